"""What the case-table fixture scripts share: a case's value, or Python's error as the expected value."""


def run_case(f, enc):
    """enc(f()), or {'$': 'error', type, first line of the message} when f raises."""
    try:
        return enc(f())
    except Exception as e:  # noqa: BLE001 - the error type is the expected value
        return {'$': 'error', 'type': type(e).__name__, 'message': str(e).split('\n')[0]}
