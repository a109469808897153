"""jn-exchange: 济南市行政执法监督数据规范 as software: the model's generated artifacts and the validator."""

__version__ = "1.0.0"

# The version of the standard (the LinkML model) that this release implements and validates.
STANDARD_VERSION = "1.1.0"
