"""Live AWS: boto3 collectors that turn an account into the same facts the Terraform adapters produce.

Nothing here is imported until a live scan runs, so `emailiac lint` never loads boto3.
"""
