from vpd_speech.cli import main

raise SystemExit(main())
