"""One module per `station` subcommand; cli.py parses, these do."""
