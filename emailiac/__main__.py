from emailiac.entry import main

main()
