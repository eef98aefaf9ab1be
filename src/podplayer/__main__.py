from podplayer.app import main

raise SystemExit(main())
