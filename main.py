"""TanBao 碳报. No arguments: the window. A command: the same work from the command line."""

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main())
