from accelerator.cli import main

main()
