"""E-guichet forms in two steps: the citizen checks the answers, then sends."""

from collective.easyform.browser.view import EasyFormForm
from imio.eguichet import _
from imio.eguichet.actions import submitted_case
from imio.eguichet.browser.form import EguichetForm
from imio.eguichet.browser.form import EguichetFormView
from plone import api
from plone.formwidget.namedfile.interfaces import IFileUploadTemporaryStorage
from plone.namedfile.interfaces import INamedField
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form import button
from zope.i18n import translate
from zope.schema.interfaces import IBool
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import IDate
from ZPublisher.HTTPRequest import FileUpload

import base64
import binascii


FILL, CHECK, SENT = "fill", "check", "sent"
# A file the citizen attached travels from the summary back to the server in
# these hidden fields, so that nothing is stored before the case exists.
FILE_DATA = "eguichet.file_data."
FILE_NAME = "eguichet.file_name."
FILE_TYPE = "eguichet.file_type."


class CheckAnswersForm(EguichetForm):
    """Continuer shows the answers; Modifier goes back; Envoyer creates the case."""

    check_template = ViewPageTemplateFile("templates/check_answers.pt")
    buttons = button.Buttons()
    handlers = button.Handlers()
    step = FILL

    @button.buttonAndHandler(
        _("Continue"), name="continue", condition=lambda form: form.step == FILL
    )
    def handle_continue(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        self.answers = data
        self.step = CHECK

    @button.buttonAndHandler(
        _("Modify"), name="modify", condition=lambda form: form.step == CHECK
    )
    def handle_modify(self, action):
        self.step = FILL
        if self.kept_files():
            # A file input cannot be filled in again by the server.
            self.status = _(
                "Your answers are kept, but not your files: please attach them again."
            )

    @button.buttonAndHandler(
        _("Send"), name="send", condition=lambda form: form.step == CHECK
    )
    def handle_send(self, action):
        self.step = FILL
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        errors = self.processActions(self.updateServerSideData(data))
        if errors:
            self.setErrorsMessage(errors)
            return
        self.step = SENT

    def update(self):
        if self.request.method == "POST":
            self.restore_uploads()
        if self.request.method == "POST" and self.answers_checked():
            self.step = CHECK
            self.restore_files()
        self.formMaybeForceSSL()
        # Easyform's own update would send at the first valid post.
        step = self.step
        super(EasyFormForm, self).update()
        if self.step != step:
            # The buttons offered depend on the step a button led to.
            self.updateActions()
        self.markWidgets()
        self.template = self.form_template
        if self.step == CHECK:
            self.template = self.check_template
        elif self.step == SENT:
            case, access_code = submitted_case(self.request)
            if case is not None:
                self.thanksPage = True
                self.confirm(case, access_code)
            else:
                # The form's actions made no case: its thanks, above the form.
                thanks = self.context.thanksdescription or self.context.thankstitle
                api.portal.show_message(thanks, request=self.request)
                self.request.response.redirect(self.context.absolute_url(), status=303)

    def answers_checked(self) -> bool:
        return any(
            f"{self.prefix}buttons.{name}" in self.request.form
            for name in ("modify", "send")
        )

    def updateActions(self):
        # Easyform names its button "submit" and labels it from the form.
        super(EasyFormForm, self).updateActions()

    # The summary

    def summary(self) -> list[dict]:
        """Title and text of each answer, in the order of the form."""
        return [
            {
                "title": widget.field.title,
                "text": self.answer_text(
                    widget.field, self.answers.get(widget.field.__name__)
                ),
            }
            for widget in self.all_widgets().values()
            if widget.field.__name__ in self.schema
        ]

    def action(self):
        url = self.context.absolute_url()
        if self.context.getLayout() == self.__name__:
            return url
        return f"{url}/@@{self.__name__}"

    def all_widgets(self) -> dict:
        widgets = dict(self.widgets.items())
        for group in self.groups:
            widgets.update(group.widgets.items())
        return widgets

    def answer_text(self, field, value) -> str:
        if value in (None, "", [], (), set()):
            return translate(_("Not answered"), context=self.request)
        if INamedField.providedBy(field):
            return value.filename or translate(_("File"), context=self.request)
        if IBool.providedBy(field):
            return translate(_("Yes") if value else _("No"), context=self.request)
        if IChoice.providedBy(field):
            return self.term_title(field, value)
        if IDate.providedBy(field):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, (list, tuple, set, frozenset)):
            value_type = getattr(field, "value_type", None)
            if IChoice.providedBy(value_type):
                return ", ".join(self.term_title(value_type, item) for item in value)
            return ", ".join(str(item) for item in value)
        return str(value)

    def term_title(self, field, value) -> str:
        field = field.bind(self.context)
        try:
            term = field.vocabulary.getTerm(value)
        except (LookupError, AttributeError):
            return str(value)
        return translate(term.title or term.token, context=self.request)

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The posted answers, to post again with Modifier or Envoyer."""
        fields = []
        for key, value in self.request.form.items():
            if not key.startswith(f"{self.prefix}widgets."):
                continue
            if isinstance(value, FileUpload) or hasattr(value, "filename"):
                continue
            if isinstance(value, (list, tuple)):
                fields.extend((f"{key}:list", str(item)) for item in value)
            elif isinstance(value, str):
                fields.append((key, value))
        for key, upload in self.kept_files().items():
            fields.extend([
                (FILE_DATA + key, base64.b64encode(upload.data).decode()),
                (FILE_NAME + key, upload.filename or ""),
                (FILE_TYPE + key, upload.contentType or ""),
            ])
        return fields

    def kept_files(self) -> dict:
        """The files of the answers, by the name of their widget."""
        files = {}
        for widget in self.all_widgets().values():
            if not INamedField.providedBy(widget.field):
                continue
            value = getattr(self, "answers", {}).get(widget.field.__name__)
            if value is None:
                value = self.request.form.get(widget.name)
            if value is not None and hasattr(value, "data"):
                files[widget.name] = value
        return files

    def restore_uploads(self):
        """Take back the files that the file widgets kept after Modifier.

        The widget reads its temporary copy once and forgets it, while the
        answers are read twice (widgets, then validation): the file is put in
        the request as if it had just been sent.
        """
        storage = IFileUploadTemporaryStorage(api.portal.get()).upload_map
        for key in list(self.request.form):
            if not key.endswith(".file_upload_id"):
                continue
            widget_name = key[: -len(".file_upload_id")]
            field = self.schema.get(widget_name.rsplit(".", 1)[-1])
            action = self.request.form.get(f"{widget_name}.action")
            upload = storage.get(self.request.form[key] or "")
            if not INamedField.providedBy(field) or action != "nochange" or not upload:
                continue
            self.request.form[widget_name] = field._type(
                data=upload["data"], filename=upload.get("filename") or ""
            )
            del self.request.form[f"{widget_name}.action"]
            del storage[self.request.form[key]]

    def restore_files(self):
        """Put back the files sent along with the checked answers."""
        for key in list(self.request.form):
            if not key.startswith(FILE_DATA):
                continue
            widget_name = key[len(FILE_DATA) :]
            field = self.schema.get(widget_name.rsplit(".", 1)[-1])
            if not INamedField.providedBy(field):
                continue
            try:
                data = base64.b64decode(self.request.form[key], validate=True)
            except (binascii.Error, ValueError, TypeError):
                continue
            self.request.form[widget_name] = field._type(
                data=data,
                filename=str(self.request.form.get(FILE_NAME + widget_name) or ""),
                contentType=str(
                    self.request.form.get(FILE_TYPE + widget_name)
                    or "application/octet-stream"
                ),
            )


class CheckAnswersView(EguichetFormView):
    form = CheckAnswersForm
