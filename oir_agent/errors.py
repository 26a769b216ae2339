"""The library's exceptions: every error a caller can fix derives from OIRError; and `Worded`, a message that names
API parameters as data, so each door can name them its own way."""

_BARE = object()


class Param:
    """An API parameter named in a message: `Param("device", "cpu")` reads `device='cpu'` to a Python caller and
    `--device cpu` on the command line; `Param("num_inference_steps")` names the parameter alone."""

    def __init__(self, name: str, value=_BARE):
        self.name, self.value = name, value

    @property
    def bare(self) -> bool:
        return self.value is _BARE

    def __str__(self) -> str:
        return self.name if self.bare else f"{self.name}={self.value!r}"


class Worded(str):
    """A message with slots: `Worded("{dev} is not available: use {cpu}.", dev=Param("device", "cuda"),
    cpu=Param("device", "cpu"))`. As a str it is the Python caller's wording; `in_terms(render)` words every Param
    slot with `render(param)` (the CLI's flags). A slot may hold plain text or another Worded. Literal braces in
    the template are doubled, as in str.format."""

    def __new__(cls, template: str, **slots):
        made = super().__new__(cls, template.format(**{k: str(v) if isinstance(v, Param) else v
                                                        for k, v in slots.items()}))
        made.template, made.slots = template, slots
        return made

    def in_terms(self, render) -> str:
        def word(value):
            if isinstance(value, Param):
                return render(value)
            return value.in_terms(render) if isinstance(value, Worded) else value

        return self.template.format(**{k: word(v) for k, v in self.slots.items()})

    def __reduce__(self):  # survives pickling (errors cross process pools) as its plain text
        return (str, (str(self),))


class OIRError(Exception):
    """Base class of every error oir-agent raises on purpose."""


class InvalidInputError(OIRError, ValueError):
    """An argument (image, prompt, pair, mask) is unusable; the message says which and what to do."""


class AlignmentError(InvalidInputError):
    """The prompts or instruction do not yield editing pairs.

    `code` names the reason for a program ("ambiguous", "unsupported", "not-found", "no-slot", "no-change", "unreadable", ...);
    `suggestion` is what to send instead, as data: {"source_prompt", "target_prompt"} or {"readings": [...]}
    (each a complete retry), filled with the caller's own words where possible; None when there is none."""

    def __init__(self, message: str, code: str = "unreadable", suggestion: dict | None = None):
        if "\n" in message or "\r" in message:  # one line, whatever the caller's text held ('MMM\nMMM' quoted)
            message = message.replace("\r", "\\r").replace("\n", "\\n")
        super().__init__(message)
        self.code = code
        self.suggestion = suggestion


class MaskError(InvalidInputError):
    """A mask is empty, unreadable, or its object was not found in the image."""


class ConfigError(OIRError, ValueError):
    """A configuration value (steps, reassembly step, device, ...) is out of range. `field`, `value` and `expected`
    say which, as data (a front end names the field its own way: the CLI as its flag)."""

    def __init__(self, message: str, field: str | None = None, value=None, expected: str | None = None,
                 key: str | None = None):
        super().__init__(message)
        self.field, self.value, self.expected = field, value, expected
        self.key = key  # for a per-pair value (steps={pair: step}): which pair


class PairValueError(InvalidInputError, ConfigError):
    """A per-pair value (a pair's inversion step) is out of range: an invalid input with ConfigError's `field`,
    `value`, `expected` and `key` (which pair) as data."""


class ModelUnavailableError(OIRError):
    """Weights could not be found or loaded; the message says what to download or set."""


class Cancelled(OIRError):
    """The caller's cancel event was set; work stopped before the next UNet call."""


class ResourceError(OIRError):
    """The device ran out of memory or another resource; the message says which knob to turn."""
