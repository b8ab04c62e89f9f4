import sys

from avisa.cli import main

sys.exit(main())
