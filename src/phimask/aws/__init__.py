"""AWS adapters and Lambda plumbing. Only the Lambda handlers import this package; boto3
is imported lazily inside functions, never at module level."""
