"""TanBao 碳报. No arguments: the window. A command: the same work from the command line."""

import sys

if __name__ == "__main__" and getattr(sys, "frozen", False):
    import multiprocessing

    # The import checks packages in worker processes started by running this program again: in the
    # built program, such a start runs the worker and exits here, never the window or a command.
    multiprocessing.freeze_support()

from cli import main

if __name__ == "__main__":
    sys.exit(main())
