from tas_import.sandbox.cli import main

main()
