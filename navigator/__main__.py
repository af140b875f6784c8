"""`python -m navigator` runs the same CLI as the `navigator` console script."""

from navigator.cli import main

if __name__ == "__main__":
    main()
