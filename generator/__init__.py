"""OpenAPI 3.0/3.1 to typed Python client generator."""

__version__ = "0.1.0"
TOOL = "openapi-client-generator"  # how generated files and the manifest name their maker
