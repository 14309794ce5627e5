def load_demo() -> None:
    pass
