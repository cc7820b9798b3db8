"""HParams: TF 1.15's tf.contrib.training.HParams, for TF builds without it.

A bag of typed hyperparameters.  Each is fixed at creation to a type (int,
float, bool, str, or a non-empty list of one of them) and later values are
checked against it: ``set_hparam``, ``override_from_dict``, ``parse`` of a
``"name=value,list=[a,b]"`` string and ``parse_json``.  Behaviour, messages
and string formats follow TF 1.15's class (tests compare both on TF 1.15);
its protobuf export (``to_proto``/``from_proto``/``hparam_def``) is not
provided.
"""
from __future__ import absolute_import, division, print_function

import json
import numbers
import re

__all__ = ["HParams", "parse_values"]

# One "name=value" or "name=[v1,v2]" clause (optionally "name[i]=value"),
# then a comma or the end.  A scalar value runs to the next comma or '['.
_CLAUSE = re.compile(
    r"(?P<name>[a-zA-Z][\w.]*)(\[\s*(?P<index>\d+)\s*\])?\s*=\s*"
    r"(?:(?P<val>[^,\[]*)|\[(?P<vals>[^\]]*)\])(?:$|,\s*)")


def _cannot_parse(name, kind, text, values):
  raise ValueError("Could not parse hparam '%s' of type '%s' with value '%s' "
                   "in %s" % (name, kind.__name__, text, values))


def _assigned_twice(name, values):
  raise ValueError("Multiple assignments to variable '%s' in %s" %
                   (name, values))


def _bool_from_text(text):
  if text in ("true", "True"):
    return True
  if text in ("false", "False"):
    return False
  return bool(int(text))  # "0", "1", "2" ...; ValueError otherwise


def _coerce(name, kind, value):
  """`value` as the hparam's type `kind`, where the types are compatible.

  Strings take only strings; bools only bools (and no int takes a bool);
  ints only integers; floats any real number.

  Raises:
    ValueError: the types are incompatible.
  """
  if type(value) == kind:  # pylint: disable=unidiomatic-typecheck
    return value
  if issubclass(kind, type(None)):
    return value
  refused = (
      (issubclass(kind, (str, bytes)) and not isinstance(value, (str, bytes)))
      or issubclass(kind, bool) != isinstance(value, bool)
      or (issubclass(kind, numbers.Integral) and
          not isinstance(value, numbers.Integral))
      or (issubclass(kind, numbers.Number) and
          not isinstance(value, numbers.Number)))
  if refused:
    raise ValueError("Could not cast hparam '%s' of type '%s' from value %r" %
                     (name, kind, value))
  return kind(value)


def parse_values(values, type_map, ignore_unknown=False):
  """Parses ``"a=1,b=[x,y],c[2]=3"`` into {name: value, list or {index: v}}.

  Args:
    values: the string; scalars run to the next comma, lists are bracketed
      with comma- or space-separated items.
    type_map: name -> type of each known hparam (list hparams: the item type).
    ignore_unknown: skip names missing from type_map instead of failing.

  Returns:
    dict name -> parsed value (index assignments give {index: value}).

  Raises:
    ValueError: malformed text, an unknown name, a value that does not parse
      as its type, a name assigned twice, a list assigned to an index.
  """
  out = {}
  pos = 0
  while pos < len(values):
    match = _CLAUSE.match(values, pos)
    if not match:
      raise ValueError("Malformed hyperparameter value: %s" % values[pos:])
    pos = match.end()
    name, index = match.group("name"), match.group("index")
    if name not in type_map:
      if ignore_unknown:
        continue
      raise ValueError("Unknown hyperparameter type for %s" % name)
    kind = type_map[name]
    convert = _bool_from_text if kind == bool else kind
    if match.group("val") is not None:
      text = match.group("val")
      try:
        parsed = convert(text)
      except ValueError:
        _cannot_parse(name, kind, text, values)
      if index is None:
        if name in out:
          _assigned_twice(name, values)
        out[name] = parsed
      else:
        slots = out.setdefault(name, {})
        if not isinstance(slots, dict):
          _assigned_twice(name, values)
        if int(index) in slots:
          _assigned_twice("%s[%s]" % (name, int(index)), values)
        slots[int(index)] = parsed
    else:
      if index is not None:
        raise ValueError("Assignment of a list to a list index.")
      if name in out:
        _assigned_twice(name, values)
      text = match.group("vals")
      try:
        out[name] = [convert(item) for item in re.split("[ ,]", text) if item]
      except ValueError:
        _cannot_parse(name, kind, text, values)
  return out


class HParams(object):
  """Typed hyperparameters: ``HParams(learning_rate=0.1, layers=[64, 32])``.

  Each hparam is an attribute.  ``parse("learning_rate=0.3,layers=[8]")``,
  ``override_from_dict({...})`` and ``set_hparam`` change values (checked
  against the type fixed at creation); ``values()``/``to_json()`` export.
  """

  def __init__(self, hparam_def=None, model_structure=None, **kwargs):
    """Creates the hparams given as keyword arguments.

    Args:
      hparam_def: TF 1.x's HParamDef proto; not supported here.
      model_structure: any object, kept for get_model_structure().
      **kwargs: name -> initial value (its type is the hparam's type).

    Raises:
      NotImplementedError: hparam_def was given.
      ValueError: see add_hparam.
    """
    self._hparam_types = {}
    self._model_structure = model_structure
    if hparam_def:
      raise NotImplementedError(
          "HParams(hparam_def=...): the HParamDef protobuf is TF 1.x contrib "
          "only; build HParams from keyword arguments or parse_json instead")
    for name, value in kwargs.items():
      self.add_hparam(name, value)

  def add_hparam(self, name, value):
    """Adds hparam `name` with `value`, fixing its type.

    Args:
      name: the hparam's name (an attribute of this object).
      value: its value; a list or tuple makes a multi-valued hparam typed
        by its first element.

    Raises:
      ValueError: the name is taken (an hparam or a method), or `value` is an
        empty list.
    """
    if getattr(self, name, None) is not None:
      raise ValueError("Hyperparameter name is reserved: %s" % name)
    if isinstance(value, (list, tuple)):
      if not value:
        raise ValueError("Multi-valued hyperparameters cannot be empty: %s" %
                         name)
      self._hparam_types[name] = (type(value[0]), True)
    else:
      self._hparam_types[name] = (type(value), False)
    setattr(self, name, value)

  def set_hparam(self, name, value):
    """Sets hparam `name`, converting `value` to its type where compatible.

    Args:
      name: an existing hparam's name.
      value: the new value; a list exactly for multi-valued hparams.

    Raises:
      KeyError: no such hparam.
      ValueError: a list for a scalar hparam or the reverse, or a value of an
        incompatible type.
    """
    kind, is_list = self._hparam_types[name]
    if isinstance(value, list):
      if not is_list:
        raise ValueError("Must not pass a list for single-valued parameter: "
                         "%s" % name)
      setattr(self, name, [_coerce(name, kind, v) for v in value])
    else:
      if is_list:
        raise ValueError("Must pass a list for multi-valued parameter: %s." %
                         name)
      setattr(self, name, _coerce(name, kind, value))

  def del_hparam(self, name):
    """Removes hparam `name` (no error if there is none)."""
    if hasattr(self, name):
      delattr(self, name)
      del self._hparam_types[name]

  def parse(self, values):
    """Overrides hparams from ``"name=value,..."`` text (see parse_values).

    Returns:
      self.

    Raises:
      ValueError: see parse_values and set_hparam.
    """
    kinds = {name: kind for name, (kind, _) in self._hparam_types.items()}
    return self.override_from_dict(parse_values(values, kinds))

  def override_from_dict(self, values_dict):
    """Sets each name -> value of `values_dict`; returns self.

    Raises:
      KeyError, ValueError: see set_hparam.
    """
    for name, value in values_dict.items():
      self.set_hparam(name, value)
    return self

  def set_from_map(self, values_map):
    """Deprecated in TF 1.x: override_from_dict."""
    return self.override_from_dict(values_map)

  def set_model_structure(self, model_structure):
    self._model_structure = model_structure

  def get_model_structure(self):
    return self._model_structure

  def to_json(self, indent=None, separators=None, sort_keys=False):
    """The values as a JSON object (json.dumps arguments passed through).

    Args:
      indent: json.dumps's indent.
      separators: json.dumps's separators.
      sort_keys: json.dumps's sort_keys.

    Returns:
      The JSON text of ``values()``.
    """
    return json.dumps(self.values(), indent=indent, separators=separators,
                      sort_keys=sort_keys)

  def parse_json(self, values_json):
    """Overrides hparams from a JSON object's text; returns self."""
    return self.override_from_dict(json.loads(values_json))

  def values(self):
    """dict name -> current value."""
    return {name: getattr(self, name) for name in self._hparam_types}

  def get(self, key, default=None):
    """The value of `key`, or `default` when there is no such hparam.

    Args:
      key: the hparam's name.
      default: returned when there is no such hparam; when the hparam
        exists and `default` is not None, it must fit the hparam's type.

    Returns:
      The hparam's current value, or `default`.

    Raises:
      ValueError: `key` exists and a non-None `default` does not fit its type.
    """
    if key not in self._hparam_types:
      return default
    if default is not None:
      kind, is_list = self._hparam_types[key]
      shown = "list<%s>" % kind if is_list else str(kind)
      message = ("Hparam '%s' of type '%s' is incompatible with default=%s" %
                 (key, shown, default))
      if is_list != isinstance(default, list):
        raise ValueError(message)
      try:
        for item in (default if is_list else [default]):
          _coerce(key, kind, item)
      except ValueError as e:
        raise ValueError("%s. %s" % (message, e))
    return getattr(self, key)

  def __contains__(self, key):
    return key in self._hparam_types

  def __str__(self):
    return ",".join("%s=%s" % item for item in self.values().items())

  def __repr__(self):
    return "%s(%s)" % (type(self).__name__, sorted(self.values().items()))
