"""E-guichet forms in two steps: the citizen checks the answers, then sends.

A file attached to the form waits on the server between the steps (see
``imio.eguichet.temporary_uploads``): the summary, and the form shown again
after Modifier or a mistake, carry a token in the file widget's own hidden
field, never the file.
"""

from collective.easyform.browser.view import EasyFormForm
from imio.eguichet import _
from imio.eguichet import temporary_uploads
from imio.eguichet.actions import submitted_case
from imio.eguichet.browser.form import EguichetForm
from imio.eguichet.browser.form import EguichetFormView
from imio.eguichet.browser.form import page_text
from imio.eguichet.display import format_date
from plone import api
from plone.namedfile.interfaces import INamed
from plone.namedfile.interfaces import INamedField
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form import button
from z3c.form.interfaces import IErrorViewSnippet
from zope.component import getMultiAdapter
from zope.i18n import translate
from zope.schema.interfaces import IBool
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import IDate
from zope.schema.interfaces import ValidationError


FILL, CHECK, SENT = "fill", "check", "sent"
# The hidden field in which Plone's file widget names a file already sent.
UPLOAD_FIELD = ".file_upload_id"
FILE_LOST = _(
    "The file you attached has not been kept (files wait for ${hours} hours "
    "at most): please choose it again.",
    mapping={"hours": temporary_uploads.LIFETIME // 3600},
)


class CheckAnswersForm(EguichetForm):
    """Continuer shows the answers; Modifier goes back; Envoyer creates the case."""

    @property
    def page_title(self) -> str:
        if self.step != CHECK:
            return super().page_title
        return page_text(
            _("Check your answers — ${form}", mapping={"form": self.context.Title()}),
            self.request,
        )

    check_template = ViewPageTemplateFile("templates/check_answers.pt")
    buttons = button.Buttons()
    handlers = button.Handlers()
    step = FILL

    @button.buttonAndHandler(
        _("Continue"), name="continue", condition=lambda form: form.step == FILL
    )
    def handle_continue(self, action):
        data, errors = self.extractData()
        self.extracted = data
        if self.lost_files:
            self.show_lost_files()
            return
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
        if self.lost_files:
            self.show_lost_files()

    @button.buttonAndHandler(
        _("Send"), name="send", condition=lambda form: form.step == CHECK
    )
    def handle_send(self, action):
        self.step = FILL
        data, errors = self.extractData()
        self.extracted = data
        if self.lost_files:
            self.show_lost_files()
            return
        if errors:
            self.status = self.formErrorsMessage
            return
        errors = self.processActions(self.updateServerSideData(data))
        if errors:
            self.setErrorsMessage(errors)
            return
        self.step = SENT
        for key in self.kept_keys.values():
            temporary_uploads.discard(key)

    def update(self):
        # By widget name, the keys and tokens of the files kept on the
        # server; the widgets whose token found no file; the values read.
        self.kept_keys, self.tokens, self.lost_files, self.extracted = {}, {}, [], {}
        if self.request.method == "POST":
            self.restore_uploads()
        if self.request.method == "POST" and self.answers_checked():
            self.step = CHECK
        self.formMaybeForceSSL()
        # Easyform's own update would send at the first valid post.
        step = self.step
        super(EasyFormForm, self).update()
        if self.step != step:
            # The buttons offered depend on the step a button led to.
            self.updateActions()
        self.markWidgets()
        self.template = self.form_template
        if self.step == FILL and self.request.method == "POST":
            self.keep_files_shown_again()
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

    def shows_introduction(self) -> bool:
        return self.step == FILL

    def updateActions(self):
        # Easyform names its button "submit" and labels it from the form.
        super(EasyFormForm, self).updateActions()
        self.empty_prompts()
        self.style_actions()
        self.fill_from_identity()

    # The summary

    def summary(self) -> list[dict]:
        """Title and text of each answer, in the order of the form."""
        return [
            {
                "title": widget.field.title,
                "text": self.answer_text(
                    widget.field, self.answers.get(widget.field.__name__)
                ),
                # Modifier beside the answer goes back to its field.
                "change_action": f"{self.action()}#{widget.id}",
            }
            for widget in self.all_widgets().values()
            if widget.field.__name__ in self.schema
        ]

    def action(self):
        url = self.context.absolute_url()
        if self.context.getLayout() == self.__name__:
            return url
        return f"{url}/@@{self.__name__}"

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
            return format_date(value, self.request.get("LANGUAGE"))
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
        """The posted answers, to post again with Modifier or Envoyer.

        A file is posted again as the token of the file kept on the server.
        """
        file_widgets = self.file_widgets()
        fields = []
        for key, value in self.request.form.items():
            if not key.startswith(f"{self.prefix}widgets."):
                continue
            if key.removesuffix(".action").removesuffix(UPLOAD_FIELD) in file_widgets:
                continue
            if isinstance(value, (list, tuple)):
                fields.extend((f"{key}:list", str(item)) for item in value)
            elif isinstance(value, str):
                fields.append((key, value))
        for name, widget in file_widgets.items():
            file = self.answers.get(widget.field.__name__)
            if INamed.providedBy(file):
                fields.append((name + UPLOAD_FIELD, self.keep(widget, file)))
        return fields

    def file_widgets(self) -> dict:
        """The widgets of the form's file and image fields, by name."""
        return {
            widget.name: widget
            for widget in self.all_widgets().values()
            if INamedField.providedBy(widget.field)
        }

    def keep(self, widget, file) -> str:
        """Keep ``file`` of ``widget`` on the server; the token that names it."""
        if widget.name not in self.tokens:
            key, token = temporary_uploads.keep(
                self.context,
                widget.field.__name__,
                file,
                self.kept_keys.get(widget.name),
            )
            self.kept_keys[widget.name] = key
            self.tokens[widget.name] = token
        return self.tokens[widget.name]

    def restore_uploads(self):
        """Put back in the request the files that the posted tokens name.

        A token whose file is not kept any more (expired, changed by hand, or
        given to another form or person) is noted: the citizen is asked to
        choose the file again, and nothing is sent without it.
        """
        form = self.request.form
        for key in [key for key in form if key.endswith(UPLOAD_FIELD)]:
            widget_name = key[: -len(UPLOAD_FIELD)]
            field = self.schema.get(widget_name.rsplit(".", 1)[-1])
            if not INamedField.providedBy(field):
                continue
            token = form.pop(key)
            action = form.get(f"{widget_name}.action", "nochange")
            kept = temporary_uploads.take(self.context, field.__name__, token)
            if action != "nochange":
                # Replaced or removed: the kept file is not needed any more.
                if kept is not None:
                    temporary_uploads.discard(kept[0])
                continue
            if kept is None:
                self.lost_files.append(widget_name)
                continue
            form.pop(f"{widget_name}.action", None)
            self.kept_keys[widget_name] = kept[0]
            form[widget_name] = kept[1]

    def keep_files_shown_again(self):
        """The form shown again keeps its valid files on the server, not Plone.

        Plone's widget would copy the file into a record of the database at
        each rendering; the widget shows the token of the kept file instead.
        """
        for widget in self.file_widgets().values():
            if widget.error is not None:
                continue
            file = self.extracted.get(widget.field.__name__)
            if file is None and INamed.providedBy(widget.value):
                file = widget.value
            if INamed.providedBy(file):
                widget._file_upload_id = self.keep(widget, file)

    def show_lost_files(self):
        """Tell, next to each field and above the form, which files were lost."""
        widgets = self.file_widgets()
        for name in self.lost_files:
            widget = widgets.get(name)
            if widget is None:
                continue
            error = ValidationError()
            error.doc = lambda: FILE_LOST
            view = getMultiAdapter(
                (error, self.request, widget, widget.field, self, self.context),
                IErrorViewSnippet,
            )
            view.update()
            widget.error = view
        self.status = FILE_LOST


class CheckAnswersView(EguichetFormView):
    form = CheckAnswersForm
