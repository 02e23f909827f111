"""The errors ecograph raises, one class per exit code of the command line.

Every class derives from :class:`EcographError`, whose ``exit_code`` is the code the
``ecograph`` command exits with for the same problem and whose ``str()`` is the
command's message (without its leading ``error: ``). Each also derives from the
built-in exception a Python caller would expect (``ValueError`` for a bad argument,
``FileExistsError`` for a refused output, ``OSError`` for a failed write), so generic
handlers keep working.

The extension module ``ecograph._ecograph`` raises these classes by name, constructing
them as ``Cls(message, exit_code=..., problems=[...])``: keep the names and the
constructor's signature stable.

Example::

    import ecograph
    try:
        ecograph.analyze("crm-export/")
    except ecograph.InputError as e:
        for p in e.problems:
            print(p.table, p.row, p.column, p.value, p.rule)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

__all__ = [
    "EcographError",
    "ParameterError",
    "InputError",
    "Problem",
    "ResultsError",
    "OutputError",
    "LimitError",
    "WriteError",
]


@dataclass(frozen=True)
class Problem:
    """One problem in the input, located as precisely as the input allows.

    Attributes:
        table: the contract table (``"deals"``, ``"partners"``, ...).
        row: 1-based data row (the header is not a row), or None for a problem with a
            whole file or table (a missing column, a wrong column type).
        line: 1-based physical line of a CSV file, or None (Parquet, Arrow and tables
            handed over in memory have no lines).
        column: the column as named in the input, or None.
        value: the offending value as text, or None.
        rule: the rule broken as a short stable code (``"not_a_number"``,
            ``"unknown_stage"``, ``"dangling_reference"``, ``"wrong_type"``, ...): the
            same codes as the ``reason`` column of the ``rejected_rows`` table.
        file: the file name as given (for a table handed over in memory, the name the
            message uses for it).
        message: the rule in words, as the command line prints it.
    """

    table: str
    row: Optional[int]
    line: Optional[int]
    column: Optional[str]
    value: Optional[str]
    rule: str
    file: str
    message: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Problem":
        """A Problem from the dict the extension hands over (keys: the attribute names).

        Missing keys are None (``rule``, ``file``, ``table`` and ``message`` become
        ``""``), so a newer extension that adds keys or an older one that lacks one
        does not break the error itself.
        """
        return cls(
            table=str(d.get("table") or ""),
            row=_opt_int(d.get("row")),
            line=_opt_int(d.get("line")),
            column=_opt_str(d.get("column")),
            value=_opt_str(d.get("value")),
            rule=str(d.get("rule") or ""),
            file=str(d.get("file") or ""),
            message=str(d.get("message") or ""),
        )

    def __str__(self) -> str:
        # The command line's layout: file, row N (line L), column 'c', value "v": rule.
        s = self.file
        if self.row is not None:
            s += f", row {self.row}"
        if self.line is not None:
            s += f" (line {self.line})"
        if self.column is not None:
            s += f", column '{self.column}'"
        if self.value is not None:
            s += ', value "' + self.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{s}: {self.message}"


def _opt_int(v: Any) -> Optional[int]:
    return None if v is None else int(v)


def _opt_str(v: Any) -> Optional[str]:
    return None if v is None else str(v)


class EcographError(Exception):
    """Base class of every error ecograph raises.

    Attributes:
        exit_code: the exit code of the ``ecograph`` command for the same problem
            (1 write failure, 2 bad parameter, 3 bad input or results folder, 4 output
            refused, 5 a --max-* limit).
        message: the command line's message (also ``str(e)``).
    """

    #: The command line's exit code for this class (an instance may carry another).
    default_exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        exit_code: Optional[int] = None,
        problems: Optional[Iterable[Mapping[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        self.exit_code: int = self.default_exit_code if exit_code is None else int(exit_code)
        # Only InputError lists problems; other classes accept the keyword (the
        # extension passes one constructor signature to all) and ignore an empty one.
        self._problems = problems

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # picklable (multiprocessing, joblib) with its keywords
        return (_rebuild, (type(self), self.message, self.exit_code, self._problem_dicts()))

    def _problem_dicts(self) -> Optional[list]:
        return None


def _rebuild(cls, message, exit_code, problems):
    return cls(message, exit_code=exit_code, problems=problems)


class ParameterError(EcographError, ValueError):
    """A bad argument: an unknown or out-of-range option, an invalid config (file or
    dict), a missing input folder. Exit code 2 on the command line."""

    default_exit_code = 2


class InputError(EcographError):
    """The input breaks the data contract; nothing was written. Exit code 3.

    Attributes:
        problems: every problem found, in file order, as :class:`Problem` objects
            (the message spells out the first 50 and counts the rest; this list holds
            all the extension handed over).
    """

    default_exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        exit_code: Optional[int] = None,
        problems: Optional[Iterable[Any]] = None,
    ) -> None:
        super().__init__(message, exit_code=exit_code)
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem.from_dict(p) for p in (problems or ())
        ]

    def _problem_dicts(self) -> Optional[list]:
        return [p.__dict__.copy() for p in self.problems]


class ResultsError(EcographError):
    """A folder given as results (``Results(path)``, ``report``, ``compare``) is not
    the output of ``ecograph analyze``. Exit code 3."""

    default_exit_code = 3


class OutputError(EcographError, FileExistsError):
    """The output was refused: it exists (pass ``overwrite=True``), or ecograph may not
    replace it (an input, a folder it did not write, one holding files it did not
    write). Nothing was written. Exit code 4."""

    default_exit_code = 4


class LimitError(EcographError):
    """An output or a stage would pass its ``max_*`` limit (``max_pair_rows``,
    ``max_cosell_edges``, ``max_stage_minutes``); nothing was written. Exit code 5."""

    default_exit_code = 5


class WriteError(EcographError, OSError):
    """Writing the output failed (disk full, no permission, ...). Exit code 1."""

    default_exit_code = 1
