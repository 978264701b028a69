"""AppConfigs of third-party apps with a Chinese name in the admin."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Sign-in lockouts")
