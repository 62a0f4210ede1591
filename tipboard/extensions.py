"""Every Flask extension, created unbound; ``create_app`` binds them."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from tipboard.database import Model
from tipboard.ratelimit import client_key

db = SQLAlchemy(model_class=Model, metadata=Model.metadata)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()  # configured by tipboard.caching.configure
# When the shared counter (Redis) fails, the limiter counts in this process's memory and asks Redis
# again only now and then (after 1, 2, 4 ... 32 s), instead of paying Redis's timeout on every
# request; swallow_errors: any other counter error lets the request through and is logged.
limiter = Limiter(
    key_func=client_key,
    default_limits=[],
    headers_enabled=True,
    swallow_errors=True,
    in_memory_fallback_enabled=True,
)
