from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    """The sign-in form; Django's own catalog gives the Chinese messages."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass
