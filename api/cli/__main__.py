from api.cli.main import app

if __name__ == "__main__":  # not when a spawned child (etl.extract_process) imports the parent's main module
    app()
