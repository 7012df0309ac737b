# The recorded answers of the outside services (company register, address base) for any portal test.
from tests.portal.outside.recorded import recorded  # noqa: F401
