"""emailiac: harden email infrastructure where it is defined and where it runs."""

__version__ = "0.1.0"
__all__ = ["__version__"]
