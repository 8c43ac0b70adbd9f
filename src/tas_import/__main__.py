from tas_import.cli import main

main()
