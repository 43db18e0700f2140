"""Record a cache access trace from a Python service, in the CSV that `cachebench run` reads.

The same trace as the Node recorder (`recordTrace`) writes: a header `key,time,op` (and
`size` when a size function is given), one row per access, time in seconds from the start
of the recording (a monotonic clock). Keys are sampled by the same hash as
`cachebench capture --sample` and `recordTrace({ sample })`, so every access of a kept key
is kept and the three agree on which keys a rate keeps.

Standard library only. Copy this file next to your code:

    from cachebench_record import TraceRecorder
    recorder = TraceRecorder("trace.csv", sample=0.1)

    @recorder.record_calls               # above the cache: every call is a get of its key
    @functools.lru_cache(maxsize=1024)
    def load_user(user_id): ...

    cache = recorder.wrap_mapping(cachetools.LRUCache(maxsize=1024))   # any mutable mapping
    r = recorder.wrap_redis(redis.Redis())                               # redis-py's get/set/delete
    ...
    recorder.close()                     # writes the file whole, or not at all
"""

import functools
import json
import os
import tempfile
import time

_MASK32 = 0xFFFFFFFF
_SHARDS_MODULUS = 1 << 24
_GOLDEN_GAMMA = 0x9E3779B9


def _imul(a, b):
    return (a * b) & _MASK32


def _mix32(x):
    # lowbias32, as cachebench's mix32.
    x &= _MASK32
    x ^= x >> 16
    x = _imul(x, 0x7FEB352D)
    x ^= x >> 15
    x = _imul(x, 0x846CA68B)
    return (x ^ (x >> 16)) & _MASK32


def _hash32(key, seed=0):
    base = _mix32((seed & _MASK32) ^ _mix32(((seed >> 32) + _GOLDEN_GAMMA) & _MASK32))
    h = _mix32(base ^ (key & _MASK32))
    high = key >> 32
    if high:
        h = _mix32(h ^ high)
    return h


def key_hash(key, seed=0):
    """FNV-1a over the key's UTF-16 code units, then hash32 under `seed` (cachebench's keyTextHash)."""
    h = 0x811C9DC5
    data = key.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        unit = data[i] | (data[i + 1] << 8)
        h = _imul(h ^ unit, 0x01000193)
    return _hash32(h, seed)


def _key_text(key):
    if isinstance(key, str):
        return key
    if isinstance(key, bytes):
        return key.decode("latin-1")
    if isinstance(key, (int, float, bool)):
        return json.dumps(key)
    return json.dumps(key, default=str, separators=(",", ":"))


def _csv_key(key):
    if any(c in key for c in ',"\r\n'):
        return '"' + key.replace('"', '""') + '"'
    return key


class TraceRecorder:
    """Writes accesses as a trace CSV: to a temporary file renamed into place by close()."""

    def __init__(self, path, sample=1.0, seed=0, size=None):
        if not 0 < sample <= 1:
            raise ValueError("sample must be more than 0 and at most 1")
        self.path = path
        self.size = size
        self.recorded = 0
        self._threshold = round(sample * _SHARDS_MODULUS)
        self._seed = seed
        self._sample = sample
        self._start = time.monotonic()
        self._sizes = {}
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd, self._temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
        self._file = os.fdopen(fd, "w", newline="", encoding="utf-8")
        self._file.write("key,time,op,size\n" if size else "key,time,op\n")

    def _kept(self, key):
        return self._sample >= 1 or (key_hash(key, self._seed) & (_SHARDS_MODULUS - 1)) < self._threshold

    def access(self, op, key, value=None):
        """Records one access: op is 'get', 'set' or 'delete'."""
        text = _key_text(key)
        if not self._kept(text):
            return
        row = "%s,%.6f,%s" % (_csv_key(text), time.monotonic() - self._start, op)
        if self.size:
            if value is not None and op != "delete":
                self._sizes[text] = max(0, round(self.size(value)))
            known = self._sizes.get(text)
            row += "," if known is None else ",%d" % known
        self._file.write(row + "\n")
        self.recorded += 1

    def record_calls(self, fn=None, key=None):
        """Decorates a (cached) function: every call is a get of its key (default: its arguments)."""

        def decorate(inner):
            @functools.wraps(inner)
            def recorded(*args, **kwargs):
                self.access("get", key(*args, **kwargs) if key else (args[0] if len(args) == 1 and not kwargs else [list(args), kwargs]))
                return inner(*args, **kwargs)

            return recorded

        return decorate(fn) if fn is not None else decorate

    def wrap_mapping(self, mapping):
        """A mapping whose reads, writes and deletes are recorded (cachetools caches, dict, ...)."""
        return _RecordedMapping(mapping, self)

    def wrap_redis(self, client):
        """A redis-py client whose get/mget/set/setex/delete calls are recorded."""
        return _RecordedRedis(client, self)

    def close(self):
        """Ends the file and renames it into place."""
        if self._file.closed:
            return
        self._file.close()
        os.replace(self._temp, self.path)


class _RecordedMapping:
    def __init__(self, mapping, recorder):
        self._mapping = mapping
        self._recorder = recorder

    def __getitem__(self, key):
        try:
            value = self._mapping[key]
        except KeyError:
            self._recorder.access("get", key)
            raise
        self._recorder.access("get", key, value)
        return value

    def get(self, key, default=None):
        value = self._mapping.get(key, _MISSING)
        self._recorder.access("get", key, None if value is _MISSING else value)
        return default if value is _MISSING else value

    def __setitem__(self, key, value):
        self._recorder.access("set", key, value)
        self._mapping[key] = value

    def __delitem__(self, key):
        self._recorder.access("delete", key)
        del self._mapping[key]

    def pop(self, key, *default):
        self._recorder.access("delete", key)
        return self._mapping.pop(key, *default)

    def __contains__(self, key):
        return key in self._mapping

    def __len__(self):
        return len(self._mapping)

    def __getattr__(self, name):
        return getattr(self._mapping, name)


class _RecordedRedis:
    def __init__(self, client, recorder):
        self._client = client
        self._recorder = recorder

    def get(self, name):
        value = self._client.get(name)
        self._recorder.access("get", name, value)
        return value

    def mget(self, keys, *args):
        names = list(keys) + list(args) if isinstance(keys, (list, tuple)) else [keys] + list(args)
        values = self._client.mget(names)
        for name, value in zip(names, values):
            self._recorder.access("get", name, value)
        return values

    def set(self, name, value, *args, **kwargs):
        self._recorder.access("set", name, value)
        return self._client.set(name, value, *args, **kwargs)

    def setex(self, name, ttl, value):
        self._recorder.access("set", name, value)
        return self._client.setex(name, ttl, value)

    def delete(self, *names):
        for name in names:
            self._recorder.access("delete", name)
        return self._client.delete(*names)

    def __getattr__(self, name):
        return getattr(self._client, name)


_MISSING = object()
