"""What every screen draws with: colours and the page layout, text, small charts, the stick figure."""
