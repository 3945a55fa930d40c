"""Errors an operator can act on. Each message names the input and what is wrong with it."""


class IngestError(Exception):
    """Base class of the errors this library raises on purpose."""


class InputError(IngestError):
    """The input (a file, a fetched page, a message) cannot be used as it is. Retrying will not help."""


class ConfigError(IngestError):
    """A paper config or a setting is missing or wrong."""


class ServiceError(IngestError):
    """A service (Elasticsearch, the broker) cannot be reached or refused a request. Retrying may help."""


class RecordedInputError(InputError):
    """An input error the step that met it has written to the ledger already (with the input and the step it
    failed at), so the task's failure handler must not record it again."""
