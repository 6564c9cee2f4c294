import sys
from pathlib import Path

# Test helpers (like mat_script) import as plain modules.
sys.path.insert(0, str(Path(__file__).parent))
