/* newsgrep._core: the compiled core of indexing, each function the twin of a pure-Python one
 * that writes the same bytes (tests/test_core.py compares them):
 *
 *   tokens(text, numbers, joiners)          re.findall of text.analysis.TOKEN_PATTERNS
 *   positions(tokens, cache, miss, written) Analyzer.positions / written_positions over tokens
 *   encode_positions(positions)             whoosh_compat.segments._encode_positions
 *   postings(positions, single, boost)      the list fast_indexer's index() returns
 *   pool_add(terms, docnum, items, boost, scorable)   _TermPool.add_field's loop
 *   sketch(text, k, shingle)                text.dedup.sketch
 *   term_blocks(flat, table, limit, fixed, comp_level, compress_min, compress)
 *                                           whoosh_compat.segments.term_blocks
 *
 * Word characters are those of Python's re for str patterns (\w: str.isalnum() or "_";
 * \d: str.isdecimal()), read from CPython's own Unicode tables, so no text needs a fallback.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- characters -------------------------------------------------------------------------- */

static unsigned char ascii_word[128];  /* \w among ASCII characters */

static inline int is_word(Py_UCS4 c) {
    if (c < 128) return ascii_word[c];
    return Py_UNICODE_ISALNUM(c);
}

static inline int is_decimal(Py_UCS4 c) {
    if (c < 128) return c >= '0' && c <= '9';
    return Py_UNICODE_ISDECIMAL(c);
}

static inline int is_joiner(Py_UCS4 c, int jkind, const void *jdata, Py_ssize_t jlen) {
    for (Py_ssize_t i = 0; i < jlen; i++)
        if (PyUnicode_READ(jkind, jdata, i) == c) return 1;
    return 0;
}

/* Find the next token at or after *start; set [*start, *end) and return 1, or return 0. */
static inline int next_token(int kind, const void *data, Py_ssize_t n, int numbers, int jkind,
                             const void *jdata, Py_ssize_t jlen, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t i = *start;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (numbers && is_decimal(c)) {  /* \d+(?:[.,]\d+)+ */
            Py_ssize_t k = i + 1;
            while (k < n && is_decimal(PyUnicode_READ(kind, data, k))) k++;
            int groups = 0;
            while (k + 1 < n) {
                Py_UCS4 s = PyUnicode_READ(kind, data, k);
                if ((s != '.' && s != ',') || !is_decimal(PyUnicode_READ(kind, data, k + 1))) break;
                k += 2;
                while (k < n && is_decimal(PyUnicode_READ(kind, data, k))) k++;
                groups++;
            }
            if (groups) {
                *start = i;
                *end = k;
                return 1;
            }
        }
        if (is_word(c)) {  /* \w+(?:[joiners]\w+)* */
            Py_ssize_t j = i + 1;
            while (j < n && is_word(PyUnicode_READ(kind, data, j))) j++;
            while (j + 1 < n && is_joiner(PyUnicode_READ(kind, data, j), jkind, jdata, jlen)
                   && is_word(PyUnicode_READ(kind, data, j + 1))) {
                j += 2;
                while (j < n && is_word(PyUnicode_READ(kind, data, j))) j++;
            }
            *start = i;
            *end = j;
            return 1;
        }
        i++;
    }
    return 0;
}

static PyObject *core_tokens(PyObject *self, PyObject *args) {
    PyObject *text, *joiners;
    int numbers;
    if (!PyArg_ParseTuple(args, "UpU:tokens", &text, &numbers, &joiners)) return NULL;
    int kind = PyUnicode_KIND(text), jkind = PyUnicode_KIND(joiners);
    const void *data = PyUnicode_DATA(text), *jdata = PyUnicode_DATA(joiners);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), jlen = PyUnicode_GET_LENGTH(joiners);
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Py_ssize_t start = 0, end = 0;
    while (next_token(kind, data, n, numbers, jkind, jdata, jlen, &start, &end)) {
        PyObject *tok = PyUnicode_Substring(text, start, end);
        if (!tok || PyList_Append(out, tok) < 0) {
            Py_XDECREF(tok);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(tok);
        start = end;
    }
    return out;
}

/* ---- the cyclic garbage collector -------------------------------------------------------
 * ATOMS_ONLY: the lists and tuples made here that hold only ints, floats, bytes and str (a
 * field's positions, its postings, a term's flat postings in the pool) are taken out of the
 * cyclic collector's sight, as CPython does itself for such tuples and dicts: they can be in no
 * reference cycle. A worker's pool holds millions of them for the whole run, and each full
 * collection walked every one (a fifth of the CPU time of indexing BBC x4 in one process).
 * Reference counting frees them as before. */

static inline int atomic(PyObject *o) {
    return PyLong_CheckExact(o) || PyFloat_CheckExact(o) || PyBytes_CheckExact(o) || PyUnicode_CheckExact(o)
           || o == Py_None;
}

/* ---- positions --------------------------------------------------------------------------- */

static PyObject *core_positions(PyObject *self, PyObject *args) {
    PyObject *tokens, *cache, *miss;
    int written;
    if (!PyArg_ParseTuple(args, "O!O!Op:positions", &PyList_Type, &tokens, &PyDict_Type, &cache, &miss,
                          &written))
        return NULL;
    PyObject *out = PyDict_New();
    if (!out) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    for (Py_ssize_t pos = 0; pos < n; pos++) {
        PyObject *raw = PyList_GET_ITEM(tokens, pos);
        PyObject *t = PyDict_GetItemWithError(cache, raw);  /* borrowed */
        if (t) {
            Py_INCREF(t);
        } else {
            if (PyErr_Occurred()) goto fail;
            t = PyObject_CallOneArg(miss, raw);
            if (!t) goto fail;
        }
        if (t == Py_None) {
            Py_DECREF(t);
            continue;
        }
        if (written) {  /* a written form is dropped when empty ("" or anything false) */
            int truth = PyObject_IsTrue(t);
            if (truth <= 0) {
                Py_DECREF(t);
                if (truth < 0) goto fail;
                continue;
            }
        }
        PyObject *got = PyDict_GetItemWithError(out, t);
        PyObject *p = PyLong_FromSsize_t(pos);
        if (!p) {
            Py_DECREF(t);
            goto fail;
        }
        int bad;
        if (got) {
            bad = PyList_Append(got, p) < 0;
        } else if (PyErr_Occurred()) {
            bad = 1;
        } else {
            PyObject *lst = PyList_New(1);
            if (!lst) {
                bad = 1;
            } else {
                Py_INCREF(p);
                PyList_SET_ITEM(lst, 0, p);
                PyObject_GC_UnTrack(lst);  /* ints only: no cycle through it (see ATOMS_ONLY) */
                bad = PyDict_SetItem(out, t, lst) < 0;
                Py_DECREF(lst);
            }
        }
        Py_DECREF(p);
        Py_DECREF(t);
        if (bad) goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* ---- position encoding: a big-endian count, then pickle.dumps(deltas, 2) ------------------ */

static PyObject *pickle_dumps;  /* pickle.dumps, for deltas beyond 32 bits */

typedef struct {
    char *buf;
    Py_ssize_t len, cap;
    char small[256];
} Buf;

static void buf_init(Buf *b) {
    b->buf = b->small;
    b->len = 0;
    b->cap = sizeof(b->small);
}

static void buf_free(Buf *b) {
    if (b->buf != b->small) PyMem_Free(b->buf);
}

static int buf_grow(Buf *b, Py_ssize_t more) {
    if (b->len + more <= b->cap) return 0;
    Py_ssize_t cap = b->cap * 2;
    while (cap < b->len + more) cap *= 2;
    char *nb = PyMem_Malloc(cap);
    if (!nb) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(nb, b->buf, b->len);
    if (b->buf != b->small) PyMem_Free(b->buf);
    b->buf = nb;
    b->cap = cap;
    return 0;
}

/* Write a pickled int of the 32-bit signed range (BININT1, BININT2, BININT) */
static inline void put_int(Buf *b, long long v) {
    char *o = b->buf + b->len;
    if (v >= 0 && v <= 0xff) {
        o[0] = 'K';
        o[1] = (char)v;
        b->len += 2;
    } else if (v >= 0 && v <= 0xffff) {
        o[0] = 'M';
        o[1] = (char)(v & 0xff);
        o[2] = (char)((v >> 8) & 0xff);
        b->len += 3;
    } else {
        uint32_t u = (uint32_t)(int32_t)v;
        o[0] = 'J';
        o[1] = (char)(u & 0xff);
        o[2] = (char)((u >> 8) & 0xff);
        o[3] = (char)((u >> 16) & 0xff);
        o[4] = (char)((u >> 24) & 0xff);
        b->len += 5;
    }
}

#define BATCHSIZE 1000

/* Encode a list of positions; NULL with no error set when a delta falls outside 32 bits. */
static PyObject *encode_fast(PyObject *positions) {
    Py_ssize_t n = PyList_GET_SIZE(positions);
    if (n > 0xffffffffLL) return NULL;
    Buf b;
    buf_init(&b);
    /* count, PROTO 2, EMPTY_LIST, BINPUT 0; per item at most 5 bytes; per batch MARK, APPENDS */
    if (buf_grow(&b, 4 + 5 + 5 * n + 2 * (n / BATCHSIZE + 2) + 2) < 0) return NULL;
    char *o = b.buf;
    o[0] = (char)((n >> 24) & 0xff);
    o[1] = (char)((n >> 16) & 0xff);
    o[2] = (char)((n >> 8) & 0xff);
    o[3] = (char)(n & 0xff);
    memcpy(o + 4, "\x80\x02]q\x00", 5);
    b.len = 9;
    long long prev = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (n > 1 && i % BATCHSIZE == 0) b.buf[b.len++] = '(';
        PyObject *item = PyList_GET_ITEM(positions, i);
        if (!PyLong_CheckExact(item)) goto slow;
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow) goto slow;
        long long d;
        if (__builtin_sub_overflow(v, prev, &d)) goto slow;
        if (d < -0x80000000LL || d > 0x7fffffffLL) goto slow;
        put_int(&b, d);
        prev = v;
        if (n == 1) {
            b.buf[b.len++] = 'a';  /* APPEND */
        } else if ((i + 1) % BATCHSIZE == 0 || i + 1 == n) {
            b.buf[b.len++] = 'e';  /* APPENDS */
        }
    }
    b.buf[b.len++] = '.';
    PyObject *res = PyBytes_FromStringAndSize(b.buf, b.len);
    buf_free(&b);
    return res;
slow:
    buf_free(&b);
    if (PyErr_Occurred()) PyErr_Clear();
    return NULL;
}

static PyObject *encode_positions(PyObject *positions) {
    PyObject *res = encode_fast(positions);
    if (res || PyErr_Occurred()) return res;
    /* deltas beyond 32 bits (or not ints): pickle.dumps(deltas, 2) after the count */
    Py_ssize_t n = PyList_GET_SIZE(positions);
    PyObject *deltas = PyList_New(n), *prev = PyLong_FromLong(0);
    if (!deltas || !prev) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(positions, i);
        PyObject *d = PyNumber_Subtract(item, prev);
        if (!d) goto fail;
        PyList_SET_ITEM(deltas, i, d);
        Py_INCREF(item);
        Py_SETREF(prev, item);
    }
    PyObject *pickled = PyObject_CallFunction(pickle_dumps, "Oi", deltas, 2);
    if (!pickled) goto fail;
    char head[4] = {(char)((n >> 24) & 0xff), (char)((n >> 16) & 0xff), (char)((n >> 8) & 0xff), (char)(n & 0xff)};
    res = PyBytes_FromStringAndSize(head, 4);
    PyBytes_ConcatAndDel(&res, pickled);
fail:
    Py_XDECREF(deltas);
    Py_XDECREF(prev);
    return res;
}

static PyObject *core_encode_positions(PyObject *self, PyObject *positions) {
    if (!PyList_Check(positions)) {
        PyErr_SetString(PyExc_TypeError, "positions must be a list");
        return NULL;
    }
    return encode_positions(positions);
}

#define SINGLE_CACHED 4096

/* [(term.encode(), len(p), float(len(p)) * boost, encoded p) for term, p in positions.items()] */
static PyObject *core_postings(PyObject *self, PyObject *args) {
    PyObject *positions, *single;
    double boost;
    if (!PyArg_ParseTuple(args, "O!O!d:postings", &PyDict_Type, &positions, &PyDict_Type, &single, &boost))
        return NULL;
    PyObject *out = PyList_New(PyDict_GET_SIZE(positions));
    if (!out) return NULL;
    Py_ssize_t it = 0, i = 0;
    PyObject *term, *p;
    while (PyDict_Next(positions, &it, &term, &p)) {
        if (!PyUnicode_Check(term) || !PyList_Check(p)) {
            PyErr_SetString(PyExc_TypeError, "positions must map str to lists");
            goto fail;
        }
        Py_ssize_t n = PyList_GET_SIZE(p);
        PyObject *v = NULL;
        if (n == 1 && PyLong_CheckExact(PyList_GET_ITEM(p, 0))) {
            PyObject *first = PyList_GET_ITEM(p, 0);
            int overflow;
            long long at = PyLong_AsLongLongAndOverflow(first, &overflow);
            if (at == -1 && PyErr_Occurred()) goto fail;
            if (!overflow && at < SINGLE_CACHED) {
                v = PyDict_GetItemWithError(single, first);
                if (v) {
                    Py_INCREF(v);
                } else {
                    if (PyErr_Occurred()) goto fail;
                    v = encode_positions(p);
                    if (!v || PyDict_SetItem(single, first, v) < 0) {
                        Py_XDECREF(v);
                        goto fail;
                    }
                }
            }
        }
        if (!v) {
            v = encode_positions(p);
            if (!v) goto fail;
        }
        PyObject *tb = PyUnicode_AsUTF8String(term);
        PyObject *tup = tb ? Py_BuildValue("(NnNN)", tb, n, PyFloat_FromDouble((double)n * boost), v) : NULL;
        if (!tup) {
            if (!tb) Py_DECREF(v);
            goto fail;
        }
        PyObject_GC_UnTrack(tup);  /* bytes, an int, a float: no cycle through it */
        PyList_SET_ITEM(out, i++, tup);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* ---- the term pool ----------------------------------------------------------------------- */

static PyObject *core_pool_add(PyObject *self, PyObject *args) {
    PyObject *terms, *docnum, *items, *boost;
    int scorable;
    if (!PyArg_ParseTuple(args, "O!OOOp:pool_add", &PyDict_Type, &terms, &docnum, &items, &boost, &scorable))
        return NULL;
    PyObject *seq = PySequence_Fast(items, "items must be iterable");
    if (!seq) return NULL;
    PyObject *length = PyLong_FromLong(0);
    long long size = 0;
    if (!length) goto fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 4) {
            PyErr_SetString(PyExc_TypeError, "a posting is a tuple (term, freq, weight, value)");
            goto fail;
        }
        PyObject *tbytes = PyTuple_GET_ITEM(item, 0), *freq = PyTuple_GET_ITEM(item, 1);
        PyObject *weight = PyTuple_GET_ITEM(item, 2), *vbytes = PyTuple_GET_ITEM(item, 3);
        if (scorable) {
            PyObject *sum = PyNumber_Add(length, freq);
            if (!sum) goto fail;
            Py_SETREF(length, sum);
        }
        PyObject *w = PyNumber_Multiply(weight, boost);
        if (!w) goto fail;
        PyObject *postings = PyDict_GetItemWithError(terms, tbytes);
        int bad;
        if (postings) {
            bad = PyList_Check(postings) ? 0 : -1;
            if (!bad && !PyObject_GC_IsTracked(postings) && !(atomic(docnum) && atomic(w) && atomic(vbytes)))
                PyObject_GC_Track(postings);  /* a container joins it: the collector must see it again */
            if (!bad) {
                bad = PyList_Append(postings, docnum) < 0 || PyList_Append(postings, w) < 0
                      || PyList_Append(postings, vbytes) < 0;
            } else {
                PyErr_SetString(PyExc_TypeError, "a term's postings must be a list");
            }
        } else if (PyErr_Occurred()) {
            bad = 1;
        } else {
            PyObject *lst = PyList_New(3);
            if (!lst) {
                bad = 1;
            } else {
                Py_INCREF(docnum);
                Py_INCREF(w);
                Py_INCREF(vbytes);
                PyList_SET_ITEM(lst, 0, docnum);
                PyList_SET_ITEM(lst, 1, w);
                PyList_SET_ITEM(lst, 2, vbytes);
                if (atomic(docnum) && atomic(w) && atomic(vbytes)) PyObject_GC_UnTrack(lst);
                bad = PyDict_SetItem(terms, tbytes, lst) < 0;
                Py_DECREF(lst);
                Py_ssize_t tlen = PyObject_Length(tbytes);
                if (tlen < 0) bad = 1;
                size += 160 + tlen;
            }
        }
        Py_DECREF(w);
        if (bad) goto fail;
        int truth = PyObject_IsTrue(vbytes);
        if (truth < 0) goto fail;
        Py_ssize_t vlen = truth ? PyObject_Length(vbytes) : 0;
        if (vlen < 0) goto fail;
        size += 72 + vlen;
    }
    Py_DECREF(seq);
    return Py_BuildValue("(NL)", length, size);
fail:
    Py_DECREF(seq);
    Py_XDECREF(length);
    return NULL;
}

/* ---- sketches ---------------------------------------------------------------------------- */

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static inline uint32_t crc_update(uint32_t c, const unsigned char *p, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static PyObject *core_sketch(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t k, shingle;
    if (!PyArg_ParseTuple(args, "Unn:sketch", &text, &k, &shingle)) return NULL;
    if (k < 0 || shingle < 1) {
        PyErr_SetString(PyExc_ValueError, "k must be 0 or more, shingle 1 or more");
        return NULL;
    }
    PyObject *low = PyObject_CallMethod(text, "lower", NULL);
    if (!low) return NULL;
    Py_ssize_t blen;
    const char *utf8 = PyUnicode_AsUTF8AndSize(low, &blen);
    if (!utf8) {  /* a lone surrogate outside any word: Python's sketch encodes the words only */
        Py_DECREF(low);
        return NULL;
    }
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    Py_ssize_t cap = 64, count = 0;
    Py_ssize_t *words = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * cap);  /* byte offset, byte length */
    uint32_t *hashes = NULL;
    PyObject *res = NULL;
    if (!words) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t b = 0, i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!is_word(c)) {
            b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            i++;
            continue;
        }
        Py_ssize_t start = b;
        while (i < n && is_word(c = PyUnicode_READ(kind, data, i))) {
            b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            i++;
        }
        if (count == cap) {
            cap *= 2;
            Py_ssize_t *nw = PyMem_Realloc(words, sizeof(Py_ssize_t) * 2 * cap);
            if (!nw) {
                PyErr_NoMemory();
                goto done;
            }
            words = nw;
        }
        words[2 * count] = start;
        words[2 * count + 1] = b - start;
        count++;
    }
    if (b != blen) {
        PyErr_SetString(PyExc_SystemError, "sketch: UTF-8 offsets out of step");
        goto done;
    }
    if (count == 0) {
        res = PyBytes_FromStringAndSize(NULL, 0);
        goto done;
    }
    Py_ssize_t per = count < shingle ? count : shingle;
    Py_ssize_t nsh = count < shingle ? 1 : count - shingle + 1;
    hashes = PyMem_Malloc(sizeof(uint32_t) * nsh);
    if (!hashes) {
        PyErr_NoMemory();
        goto done;
    }
    const unsigned char *u = (const unsigned char *)utf8;
    static const unsigned char space = ' ';
    for (Py_ssize_t s = 0; s < nsh; s++) {
        uint32_t c = 0xffffffffu;
        for (Py_ssize_t w = s; w < s + per; w++) {
            if (w > s) c = crc_update(c, &space, 1);
            c = crc_update(c, u + words[2 * w], words[2 * w + 1]);
        }
        hashes[s] = c ^ 0xffffffffu;
    }
    qsort(hashes, nsh, sizeof(uint32_t), cmp_u32);
    Py_ssize_t kept = 0;
    for (Py_ssize_t s = 0; s < nsh && kept < k; s++) {
        if (kept && hashes[kept - 1] == hashes[s]) continue;
        hashes[kept++] = hashes[s];
    }
    res = PyBytes_FromStringAndSize(NULL, kept * 4);
    if (res) {
        unsigned char *o = (unsigned char *)PyBytes_AS_STRING(res);
        for (Py_ssize_t s = 0; s < kept; s++) {
            o[4 * s] = hashes[s] & 0xff;
            o[4 * s + 1] = (hashes[s] >> 8) & 0xff;
            o[4 * s + 2] = (hashes[s] >> 16) & 0xff;
            o[4 * s + 3] = (hashes[s] >> 24) & 0xff;
        }
    }
done:
    PyMem_Free(words);
    PyMem_Free(hashes);
    Py_DECREF(low);
    return res;
}

/* ---- a term's posting blocks ------------------------------------------------------------- */

static PyObject *builtin_sum;  /* sum(), as the pure path adds up a block's weights */
static const char WHOOSH3_MAGIC[4] = {'W', '3', 'B', 'l'};  /* whoosh.codec.whoosh3.WHOOSH3_HEADER_MAGIC */

static int put_be32(Buf *b, int32_t v) {
    if (buf_grow(b, 4) < 0) return -1;
    uint32_t u = (uint32_t)v;
    char *o = b->buf + b->len;
    o[0] = (char)((u >> 24) & 0xff);
    o[1] = (char)((u >> 16) & 0xff);
    o[2] = (char)((u >> 8) & 0xff);
    o[3] = (char)(u & 0xff);
    b->len += 4;
    return 0;
}

static int put_bytes(Buf *b, PyObject *bytes) {
    Py_ssize_t n = PyBytes_GET_SIZE(bytes);
    if (buf_grow(b, n) < 0) return -1;
    memcpy(b->buf + b->len, PyBytes_AS_STRING(bytes), n);
    b->len += n;
    return 0;
}

/* One block of postings [start, end) of a term: appended to out; the term's statistics updated. */
static int one_block(Buf *out, PyObject *flat, Py_ssize_t start, Py_ssize_t end, int last, PyObject *table,
                     PyObject *fixed, long comp_level, Py_ssize_t compress_min, PyObject *compress,
                     PyObject **total, long *minlength, long *maxlength, PyObject **maxweight) {
    Py_ssize_t n = end - start;
    int ok = -1;
    PyObject *deltas = PyTuple_New(n), *stored = PyTuple_New(n), *kept = PyList_New(0);
    PyObject *zero = PyLong_FromLong(0);
    PyObject *mini_weights = NULL, *mini_values = NULL, *data = NULL, *info = NULL, *bsum = NULL;
    PyObject *top = NULL, *bmax = NULL;
    if (!deltas || !stored || !kept || !zero) goto done;
    long long prev = 0;
    long bmin = 0, blen = 0;
    const unsigned char *lens = table == Py_None ? NULL : (const unsigned char *)PyBytes_AS_STRING(table);
    Py_ssize_t nlens = table == Py_None ? 0 : PyBytes_GET_SIZE(table);
    int same = 1;
    double first = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *doc = PyList_GET_ITEM(flat, 3 * (start + i));
        PyObject *w = PyList_GET_ITEM(flat, 3 * (start + i) + 1);
        PyObject *v = PyList_GET_ITEM(flat, 3 * (start + i) + 2);
        long long d = PyLong_AsLongLong(doc);
        if (d == -1 && PyErr_Occurred()) goto done;
        PyObject *delta = PyLong_FromLongLong(d - prev);
        if (!delta) goto done;
        PyTuple_SET_ITEM(deltas, i, delta);
        prev = d;
        double wd = PyFloat_AsDouble(w);
        if (wd == -1.0 && PyErr_Occurred()) goto done;
        double f = (double)(float)wd;  /* array("f"): what the block keeps */
        PyObject *sf = PyFloat_FromDouble(f);
        if (!sf) goto done;
        PyTuple_SET_ITEM(stored, i, sf);
        if (i == 0) {
            first = f;
        } else if (!(f == first)) {
            same = 0;
        }
        if (i == 0 && !(f == f)) same = 0;  /* NaN: count() finds no equal */
        if (!top) {
            top = w;
            Py_INCREF(top);
        } else {
            int gt = PyObject_RichCompareBool(w, top, Py_GT);
            if (gt < 0) goto done;
            if (gt) Py_SETREF(top, Py_NewRef(w));
        }
        if (lens) {
            if (d < 0) d += nlens;
            if (d < 0 || d >= nlens) {
                PyErr_SetString(PyExc_IndexError, "index out of range");
                goto done;
            }
            long len = lens[d];
            if (len) {
                if (!bmin || len < bmin) bmin = len;
                if (len > blen) blen = len;
            }
        }
        int truth = PyObject_IsTrue(v);
        if (truth < 0 || (truth && PyList_Append(kept, v) < 0)) goto done;
    }
    bsum = PyObject_CallOneArg(builtin_sum, stored);
    if (!bsum) goto done;
    Py_SETREF(*total, PyNumber_Add(*total, bsum));
    if (!*total) goto done;
    int positive = PyObject_RichCompareBool(top, zero, Py_GT);
    if (positive < 0) goto done;
    bmax = positive ? Py_NewRef(top) : Py_NewRef(zero);
    int less = PyObject_RichCompareBool(*maxweight, bmax, Py_LT);
    if (less < 0) goto done;
    if (less) Py_SETREF(*maxweight, Py_NewRef(bmax));
    if (bmin && (*minlength == 0 || bmin < *minlength)) *minlength = bmin;
    if (*maxlength < blen) *maxlength = blen;
    if (same) {
        mini_weights = first == 1.0 ? Py_NewRef(Py_None) : PyFloat_FromDouble(first);
    } else {
        mini_weights = Py_NewRef(stored);
    }
    if (!mini_weights) goto done;
    long fixed_size = -1;
    if (fixed != Py_None) {
        fixed_size = PyLong_AsLong(fixed);
        if (fixed_size == -1 && PyErr_Occurred()) goto done;
    }
    if (fixed == Py_None || fixed_size < 0) {
        mini_values = PyList_AsTuple(kept);
    } else if (fixed_size == 0) {
        mini_values = Py_NewRef(Py_None);
    } else {
        PyObject *empty = PyBytes_FromStringAndSize(NULL, 0);
        mini_values = empty ? PyObject_CallMethod(empty, "join", "O", kept) : NULL;
        Py_XDECREF(empty);
    }
    if (!mini_values) goto done;
    data = PyObject_CallFunction(pickle_dumps, "(OOO)i", deltas, mini_weights, mini_values, 5);
    if (!data) goto done;
    long comp = comp_level;
    if (comp && PyBytes_GET_SIZE(data) >= compress_min) {
        Py_SETREF(data, PyObject_CallFunction(compress, "Ol", data, comp));
        if (!data) goto done;
        if (!PyBytes_Check(data)) {
            PyErr_SetString(PyExc_TypeError, "compress must return bytes");
            goto done;
        }
    } else {
        comp = 0;
    }
    PyObject *lastdoc = PyList_GET_ITEM(flat, 3 * (end - 1));
    info = PyObject_CallFunction(pickle_dumps, "(nOOlll)i", n, lastdoc, bmax, comp, bmin, blen, 2);
    if (!info) goto done;
    Py_ssize_t size = PyBytes_GET_SIZE(info) + PyBytes_GET_SIZE(data);
    if (put_be32(out, (int32_t)(last ? -size : size)) < 0 || put_bytes(out, info) < 0 || put_bytes(out, data) < 0)
        goto done;
    ok = 0;
done:
    Py_XDECREF(deltas);
    Py_XDECREF(stored);
    Py_XDECREF(kept);
    Py_XDECREF(zero);
    Py_XDECREF(mini_weights);
    Py_XDECREF(mini_values);
    Py_XDECREF(data);
    Py_XDECREF(info);
    Py_XDECREF(bsum);
    Py_XDECREF(top);
    Py_XDECREF(bmax);
    return ok;
}

static PyObject *core_term_blocks(PyObject *self, PyObject *args) {
    PyObject *flat, *table, *fixed, *compress;
    Py_ssize_t limit, compress_min;
    long comp_level;
    if (!PyArg_ParseTuple(args, "O!OnOlnO:term_blocks", &PyList_Type, &flat, &table, &limit, &fixed, &comp_level,
                          &compress_min, &compress))
        return NULL;
    if (table != Py_None && !PyBytes_Check(table)) {
        PyErr_SetString(PyExc_TypeError, "table must be bytes or None");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(flat) / 3;
    if (count == 0 || PyList_GET_SIZE(flat) % 3 || limit < 1) {
        PyErr_SetString(PyExc_ValueError, "a term's flat postings: docnum, weight, value, ... (at least one)");
        return NULL;
    }
    Buf out;
    buf_init(&out);
    PyObject *total = PyFloat_FromDouble(0.0), *maxweight = PyLong_FromLong(0), *res = NULL;
    long minlength = 0, maxlength = 0;
    if (!total || !maxweight || buf_grow(&out, 4) < 0) goto done;
    memcpy(out.buf, WHOOSH3_MAGIC, 4);
    out.len = 4;
    for (Py_ssize_t start = 0; start < count; start += limit) {
        Py_ssize_t end = start + limit < count ? start + limit : count;
        if (one_block(&out, flat, start, end, start + limit >= count, table, fixed, comp_level, compress_min,
                      compress, &total, &minlength, &maxlength, &maxweight) < 0)
            goto done;
    }
    res = Py_BuildValue("(y#OllO)", out.buf, out.len, total, minlength, maxlength, maxweight);
done:
    buf_free(&out);
    Py_XDECREF(total);
    Py_XDECREF(maxweight);
    return res;
}

/* ---- the module -------------------------------------------------------------------------- */

static PyMethodDef core_methods[] = {
    {"tokens", core_tokens, METH_VARARGS, "Return a text's tokens as TOKEN_PATTERNS' findall does."},
    {"positions", core_positions, METH_VARARGS, "Return each term of the tokens with its positions."},
    {"encode_positions", core_encode_positions, METH_O, "Encode positions as Whoosh's Positions format."},
    {"postings", core_postings, METH_VARARGS, "Return a field's postings from its terms' positions."},
    {"pool_add", core_pool_add, METH_VARARGS, "Add one field's postings of a document to a term pool."},
    {"sketch", core_sketch, METH_VARARGS, "Return the bottom-k sketch of a text's word shingles."},
    {"term_blocks", core_term_blocks, METH_VARARGS, "Return a term's posting blocks and statistics."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "newsgrep._core", "The compiled core of newsgrep's indexing.", -1, core_methods,
};

PyMODINIT_FUNC PyInit__core(void) {
    for (int c = 0; c < 128; c++)
        ascii_word[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    crc_init();
    if (!pickle_dumps) {
        PyObject *pickle = PyImport_ImportModule("pickle");
        if (!pickle) return NULL;
        pickle_dumps = PyObject_GetAttrString(pickle, "dumps");
        Py_DECREF(pickle);
        if (!pickle_dumps) return NULL;
        PyObject *builtins = PyImport_ImportModule("builtins");
        if (!builtins) return NULL;
        builtin_sum = PyObject_GetAttrString(builtins, "sum");
        Py_DECREF(builtins);
        if (!builtin_sum) return NULL;
    }
    return PyModule_Create(&core_module);
}
