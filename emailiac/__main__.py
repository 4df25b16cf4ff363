from emailiac.cli import main

main()
