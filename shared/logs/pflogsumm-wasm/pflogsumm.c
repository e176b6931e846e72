// pflogsumm 1.1.5's "Grand Totals", counted by the rules of its main loop: one counter per
// WebAssembly instance (pflogsumm-counter.ts drives it; test/tools/build-pflogsumm-wasm.ts compiles it).
//
// Each step mirrors one regular expression of pflogsumm's main loop, including its quirks (the
// queue id is the first token after the first ": ", a cleanup line counts wherever the action word
// appears, a size of "0" does not stop a second from=/size= line, ...). The expressions are replaced
// by forward scans that stop where Perl's backtracking would fail, so a line costs linear time.
// Everything is bytes, as Perl reads them under the C locale: the totals are pflogsumm's whatever
// the encoding. Why C: the same rules in TypeScript counted at about 7x pflogsumm's speed, on two
// threads; compiled to WebAssembly they count at about 20x on one (bench/logs-bench.ts).
//
// Freestanding: no libc. Memory is one bump heap that only grows (a counter lives for one summary).

#include <wasm_simd128.h>

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef double f64;

#define EXPORT(name) __attribute__((export_name(name)))
#define INLINE static inline __attribute__((always_inline))

/** Perl's numeric value of a run of more than 15 digits (JavaScript's Number() of it). */
__attribute__((import_module("env"), import_name("number"))) extern f64 js_number(const u8 *p, i32 n);

// ---------------------------------------------------------------------------------------------
// memory

extern u8 __heap_base;
static u32 heap_top;

/** n bytes, 8-aligned, zeroed (fresh memory is zero and nothing is ever freed). Traps when memory is out. */
static void *alloc(u32 n) {
  if (heap_top == 0) heap_top = (u32)&__heap_base;
  u32 p = (heap_top + 7u) & ~7u;
  u32 end = p + n + 16; // 16 spare bytes: a look a few bytes past a line's end stays inside memory
  if (end < p) __builtin_trap();
  u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    u32 pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (__SIZE_TYPE__)-1) __builtin_trap();
  }
  heap_top = end;
  return (void *)p;
}

static void copy(u8 *to, const u8 *from, u32 n) {
  __builtin_memcpy(to, from, n);
}

/** a copy of `from` (n elements of `size` bytes) in a new block of `cap` elements */
static void *grown(const void *from, u32 n, u32 cap, u32 size) {
  void *to = alloc(cap * size);
  if (n > 0) copy((u8 *)to, (const u8 *)from, n * size);
  return to;
}

// ---------------------------------------------------------------------------------------------
// byte strings: a set (senders, domains, ...) and the queue id table share one interning table

typedef struct {
  u32 *slots; // id + 1; 0: empty
  u32 mask;
  u32 count;
  u32 cap; // ids
  u32 *off;
  u32 *len;
  u32 *hash;
  u8 *arena;
  u32 used;
  u32 arenaCap;
} Table;

static void table_init(Table *t, u32 slots, u32 ids, u32 arena) {
  t->slots = (u32 *)alloc(slots * 4);
  t->mask = slots - 1;
  t->count = 0;
  t->cap = ids;
  t->off = (u32 *)alloc(ids * 4);
  t->len = (u32 *)alloc(ids * 4);
  t->hash = (u32 *)alloc(ids * 4);
  t->arena = (u8 *)alloc(arena);
  t->used = 0;
  t->arenaCap = arena;
}

static u32 hash_of(const u8 *b, u32 n) {
  u32 h = 0x811c9dc5u;
  for (u32 i = 0; i < n; i++) h = (h ^ b[i]) * 0x01000193u;
  return h ^ (h >> 15);
}

static void table_rehash(Table *t) {
  u32 cap = (t->mask + 1) * 2;
  t->slots = (u32 *)alloc(cap * 4);
  t->mask = cap - 1;
  for (u32 id = 0; id < t->count; id++) {
    u32 slot = t->hash[id] & t->mask;
    while (t->slots[slot] != 0) slot = (slot + 1) & t->mask;
    t->slots[slot] = id + 1;
  }
}

/** set by table_id: the last call added its key */
static i32 table_added;

/** The id of b[0, n) (added when `create`), or -1. */
static i32 table_id(Table *t, const u8 *b, u32 n, i32 create) {
  u32 h = hash_of(b, n);
  u32 slot = h & t->mask;
  table_added = 0;
  for (;;) {
    u32 v = t->slots[slot];
    if (v == 0) break;
    u32 id = v - 1;
    if (t->hash[id] == h && t->len[id] == n) {
      const u8 *k = t->arena + t->off[id];
      u32 i = 0;
      while (i < n && k[i] == b[i]) i++;
      if (i == n) return (i32)id;
    }
    slot = (slot + 1) & t->mask;
  }
  if (!create) return -1;
  if (t->count == t->cap) {
    u32 cap = t->cap * 2;
    t->off = (u32 *)grown(t->off, t->count, cap, 4);
    t->len = (u32 *)grown(t->len, t->count, cap, 4);
    t->hash = (u32 *)grown(t->hash, t->count, cap, 4);
    t->cap = cap;
  }
  if (t->used + n > t->arenaCap) {
    u32 cap = t->arenaCap * 2;
    if (cap < t->used + n) cap = t->used + n;
    t->arena = (u8 *)grown(t->arena, t->used, cap, 1);
    t->arenaCap = cap;
  }
  u32 id = t->count++;
  copy(t->arena + t->used, b, n);
  t->off[id] = t->used;
  t->len[id] = n;
  t->hash[id] = h;
  t->used += n;
  t->slots[slot] = id + 1;
  table_added = 1;
  if (t->count * 2 > t->mask) table_rehash(t);
  return (i32)id;
}

// ---------------------------------------------------------------------------------------------
// the counter's state

enum { Received, Delivered, Forwarded, Deferred, Deferrals, Bounced, Rejected, Warned, Held, Discarded, BytesReceived, BytesDelivered, Senders, SendingDomains, Recipients, RecipientDomains, Lines, PostfixLines, NTotals };

static f64 totals[NTotals];
static Table senders, sendingDomains, recipients, recipientDomains;

/** queue id -> what pflogsumm's %msgSizes, %rcvdMsg and %msgDfrdFlgs hold for it (never forgotten, as in pflogsumm) */
static Table qids;
static f64 *qsize;
static u8 *qflags;
/** the whence (%rcvdMsg) of a queue id: an id of `whences`, or -1 (undef) */
static i32 *qwhence;
static u32 qcap;
static Table whences;
static i32 whencePickup;

#define SIZE_TRUE 1
#define DEFERRED 2

/** syslog names: "postfix", and pflogsumm's --syslog-name when another one */
static u8 *names[2];
static u32 nameLen[2];
static u32 nameCount;

static u8 *input;
static u32 inputCap;
static u8 *scratch;
static u32 scratchCap;
static u8 *stripped;
static u32 strippedCap;

static const u8 POSTFIX[] = "postfix";

static int ready;

static void init(void) {
  if (ready) return;
  ready = 1;
  table_init(&senders, 1 << 12, 1 << 10, 1 << 14);
  table_init(&sendingDomains, 1 << 10, 1 << 8, 1 << 12);
  table_init(&recipients, 1 << 12, 1 << 10, 1 << 14);
  table_init(&recipientDomains, 1 << 10, 1 << 8, 1 << 12);
  table_init(&qids, 1 << 16, 1 << 14, 1 << 18);
  table_init(&whences, 1 << 10, 1 << 8, 1 << 12);
  qcap = 1 << 14;
  qsize = (f64 *)alloc(qcap * 8);
  qflags = (u8 *)alloc(qcap);
  qwhence = (i32 *)alloc(qcap * 4);
  whencePickup = table_id(&whences, (const u8 *)"pickup", 6, 1);
  names[0] = (u8 *)POSTFIX;
  nameLen[0] = 7;
  nameCount = 1;
  scratchCap = 1024;
  scratch = (u8 *)alloc(scratchCap);
}

/** Room for n input bytes at the returned address (moved, with its first `keep` bytes, when it grows). */
EXPORT("input") u8 *pd_input(u32 n, u32 keep) {
  init();
  if (n > inputCap) {
    u32 cap = inputCap ? inputCap : 1 << 16;
    while (cap < n) cap *= 2;
    input = (u8 *)grown(input, keep, cap, 1);
    inputCap = cap;
  }
  return input;
}

static u8 *scratch_for(u32 n) {
  if (n > scratchCap) {
    while (scratchCap < n) scratchCap *= 2;
    scratch = (u8 *)alloc(scratchCap);
  }
  return scratch;
}

static i32 qid_id(const u8 *b, u32 s, u32 e, i32 create) {
  i32 id = table_id(&qids, b + s, e - s, create);
  if (table_added) {
    if ((u32)id == qcap) {
      u32 cap = qcap * 2;
      qsize = (f64 *)grown(qsize, qcap, cap, 8);
      qflags = (u8 *)grown(qflags, qcap, cap, 1);
      qwhence = (i32 *)grown(qwhence, qcap, cap, 4);
      qcap = cap;
    }
    qsize[id] = -1;
    qflags[id] = 0;
    qwhence[id] = -1;
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// byte helpers (a line is b[.., e); b stays readable a few bytes past e)

INLINE i32 at(const u8 *b, i32 e, i32 i) { return i < e ? b[i] : -1; }
INLINE int is_space(i32 c) { return c == 32 || (c >= 9 && c <= 13); }
INLINE int is_digit(i32 c) { return c >= 48 && c <= 57; }
INLINE int is_word(i32 c) { return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95; }

/** Does b[i, e) start with w (n bytes)? */
INLINE int has(const u8 *b, i32 e, i32 i, const u8 *w, i32 n) {
  if (i < 0 || i + n > e) return 0;
  for (i32 k = 0; k < n; k++) if (b[i + k] != w[k]) return 0;
  return 1;
}
#define HAS(b, e, i, lit) has(b, e, i, (const u8 *)(lit), (i32)sizeof(lit) - 1)

/** First index >= from of w inside b[.., e), or -1. */
static i32 find(const u8 *b, i32 e, i32 from, const u8 *w, i32 n) {
  u8 w0 = w[0];
  i32 last = e - n;
  for (i32 i = from; i <= last; i++) {
    if (b[i] != w0) continue;
    i32 k = 1;
    while (k < n && b[i + k] == w[k]) k++;
    if (k == n) return i;
  }
  return -1;
}
#define FIND(b, e, from, lit) find(b, e, from, (const u8 *)(lit), (i32)sizeof(lit) - 1)

static i32 find_byte(const u8 *b, i32 e, i32 from, u8 c) {
  for (i32 i = from; i < e; i++) if (b[i] == c) return i;
  return -1;
}

/** lc() of ASCII letters of s[from, n) in place (Perl under the C locale) */
static void lower_from(u8 *s, u32 from, u32 n) {
  for (u32 i = from; i < n; i++) if (s[i] >= 65 && s[i] <= 90) s[i] += 32;
}

static i32 index_of(const u8 *s, i32 n, u8 c) {
  for (i32 i = 0; i < n; i++) if (s[i] == c) return i;
  return -1;
}

/** `s/(@.+)/\L$1/` in place on s[0, n) */
static void lower_from_at(u8 *s, i32 n) {
  i32 a = index_of(s, n, '@');
  if (a < 0 || a + 1 >= n) return;
  lower_from(s, (u32)a, (u32)n);
}

/** The value of a run of ASCII digits b[s, e), as Perl's numeric conversion of that string gives it. */
static f64 digits_value(const u8 *b, i32 s, i32 e) {
  if (e - s > 15) return js_number(b + s, e - s);
  f64 v = 0;
  for (i32 i = s; i < e; i++) v = v * 10 + (b[i] - 48);
  return v;
}

/** pflogsumm's --syslog-name when it is not "postfix" (the caller's check): the first n input bytes, taken literally. */
EXPORT("syslogName") void pd_syslog_name(u32 n) {
  init();
  names[1] = (u8 *)alloc(n);
  copy(names[1], input, n);
  nameLen[1] = n;
  nameCount = 2;
}

// ---------------------------------------------------------------------------------------------
// needles: the words looked for anywhere in a line. One pass (scan_line) notes where each first
// occurs; the rare second look-up (when the first occurrence did not match) scans on from there.

enum { NSolarisId, NClient, NFrom, NTo, NRejectWarning, NReject, NHold, NDiscard, NHeader, NBody, NEom, NSender, NUid, NNeedles };
static const char *const NEEDLE[NNeedles] = {
  ": [ID ", ": client=", "from=<", "to=<", ": reject_warning: ", ": reject: ", ": hold: ", ": discard: ",
  ": header ", ": body ", ": END-OF-MESSAGE ", ": sender=", ": uid=",
};
static const u8 NEEDLE_LEN[NNeedles] = { 6, 9, 6, 4, 18, 10, 8, 11, 9, 7, 17, 9, 6 };
static i32 first[NNeedles];

/** The bytes at which scan_line stops: space, colon, `=` and `<`. */
static const u8 TRIGGER[256] = { [32] = 1, [58] = 1, [61] = 1, [60] = 1 };

/** ": " at i: which needle, if any, starts there. */
static void colon_at(const u8 *b, i32 r, i32 e, i32 i) {
  i32 k;
  switch (b[i + 2]) {
    case 91: k = NSolarisId; break;
    case 99: k = NClient; break;
    case 114: k = b[i + 8] == 95 ? NRejectWarning : NReject; break;
    case 104: k = b[i + 3] == 111 ? NHold : NHeader; break;
    case 100: k = NDiscard; break;
    case 98: k = NBody; break;
    case 69: k = NEom; break;
    case 115: k = NSender; break;
    case 117: k = NUid; break;
    default: return;
  }
  if (first[k] < 0 && (i >= r || k == NSolarisId) && has(b, e, i, (const u8 *)NEEDLE[k], NEEDLE_LEN[k])) first[k] = i;
}

/** "=<" ends at i: from=< or to=<? */
static void lt_at(const u8 *b, i32 r, i32 i) {
  if (b[i - 2] == 109) {
    if (first[NFrom] < 0 && i - 5 >= r && b[i - 5] == 102 && b[i - 4] == 114 && b[i - 3] == 111) first[NFrom] = i - 5;
  } else if (b[i - 2] == 111 && first[NTo] < 0 && i - 3 >= r && b[i - 3] == 116) first[NTo] = i - 3;
}

/** Notes the first occurrence of each needle in b[r, e) (": [ID " from r - 2). */
static void scan_line(const u8 *b, i32 r, i32 e) {
  for (i32 k = 0; k < NNeedles; k++) first[k] = -1;
  i32 from = r >= 2 ? r - 2 : r;
  // Every needle holds ": " or "=<": two bytes, one of them at an odd distance from `from`. So only
  // every other byte is looked at, and only one of ": =<" makes the loop stop there.
  for (i32 k = from + 1; k < e; k += 2) {
    u8 c = b[k];
    if (!TRIGGER[c]) continue;
    if (c == 32) {
      if (b[k - 1] == 58) colon_at(b, r, e, k - 1);
    } else if (c == 58) {
      if (k + 1 < e && b[k + 1] == 32) colon_at(b, r, e, k);
    } else if (c == 61) {
      if (k + 1 < e && b[k + 1] == 60) lt_at(b, r, k + 1);
    } else if (b[k - 1] == 61) lt_at(b, r, k);
  }
}

/** First index >= from (from >= the tagged text's start) of needle k inside the line b[.., e), or -1. */
static i32 search(i32 k, const u8 *b, i32 e, i32 from) {
  i32 p = first[k];
  if (p < 0 || p >= from) return p;
  return find(b, e, from, (const u8 *)NEEDLE[k], NEEDLE_LEN[k]);
}

// ---------------------------------------------------------------------------------------------
// the line's header

INLINE int digits_at(const u8 *b, i32 e, i32 i, i32 count) {
  if (i + count > e) return 0;
  for (i32 k = i; k < i + count; k++) if (!is_digit(b[k])) return 0;
  return 1;
}

INLINE int clock_at(const u8 *b, i32 e, i32 i) {
  return digits_at(b, e, i, 2) && at(b, e, i + 2) == 58 && digits_at(b, e, i + 3, 2) && at(b, e, i + 5) == 58 && digits_at(b, e, i + 6, 2);
}

/** `\S+ (.+)$` at p. */
INLINE i32 host_then_rest(const u8 *b, i32 e, i32 p) {
  i32 k = p;
  while (k < e && !is_space(b[k])) k++;
  if (k == p || at(b, e, k) != 32 || k + 1 >= e) return -1;
  return k + 1;
}

/** `^(...) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ (.+)$` on b[s, e): index of the rest, or -1. */
static i32 traditional_rest(const u8 *b, i32 s, i32 e) {
  if (e - s < 4 || b[s + 3] != 32) return -1;
  i32 p = at(b, e, s + 4) == 32 ? s + 5 : s + 4;
  if (!is_digit(at(b, e, p))) return -1;
  if (is_digit(at(b, e, p + 1)) && at(b, e, p + 2) == 32) p += 3;
  else if (at(b, e, p + 1) == 32) p += 2;
  else return -1;
  if (!clock_at(b, e, p) || at(b, e, p + 8) != 32) return -1;
  return host_then_rest(b, e, p + 9);
}

/** `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[\+\-]\d{2}:\d{2}|Z) \S+ (.+)$` on b[s, e): index of the rest, or -1. */
static i32 rfc3339_rest(const u8 *b, i32 s, i32 e) {
  if (!(digits_at(b, e, s, 4) && at(b, e, s + 4) == 45 && digits_at(b, e, s + 5, 2) && at(b, e, s + 7) == 45 && digits_at(b, e, s + 8, 2))) return -1;
  if (at(b, e, s + 10) != 84 || !clock_at(b, e, s + 11)) return -1;
  i32 p = s + 19;
  if (at(b, e, p) == 46 && is_digit(at(b, e, p + 1))) {
    p += 2;
    while (is_digit(at(b, e, p))) p++;
  }
  i32 z = at(b, e, p);
  if (z == 90) p++;
  else if ((z == 43 || z == 45) && digits_at(b, e, p + 1, 2) && at(b, e, p + 3) == 58 && digits_at(b, e, p + 4, 2)) p += 6;
  else return -1;
  if (at(b, e, p) != 32) return -1;
  return host_then_rest(b, e, p + 1);
}

// ---------------------------------------------------------------------------------------------
// the command and the queue id token

/** The commands pflogsumm's main loop tells apart (any other name is OTHER). */
enum { CmdOther, CmdCleanup, CmdMaster, CmdSmtpd, CmdPostscreen, CmdPickup };
/** What the queue id token is, when it is one of the words pflogsumm's main loop tests. */
enum { WordNone, WordProblem, WordReject, WordRejectWarning, WordHold, WordDiscard };
enum { TypeNone = -1, TypeReject = Rejected, TypeRejectWarning = Warned, TypeHold = Held, TypeDiscard = Discarded };

static i32 cmd, qidStart, qidEnd, clientStart, clientEnd;

static i32 command_of(const u8 *b, i32 s, i32 e) {
  switch (e - s) {
    case 5: return HAS(b, e, s, "smtpd") ? CmdSmtpd : CmdOther;
    case 6: return HAS(b, e, s, "master") ? CmdMaster : HAS(b, e, s, "pickup") ? CmdPickup : CmdOther;
    case 7: return HAS(b, e, s, "cleanup") ? CmdCleanup : CmdOther;
    case 10: return HAS(b, e, s, "postscreen") ? CmdPostscreen : CmdOther;
    default: return CmdOther;
  }
}

static i32 qid_word_of(const u8 *b, i32 s, i32 e) {
  switch (e - s) {
    case 4: return HAS(b, e, s, "hold") ? WordHold : WordNone;
    case 5: return HAS(b, e, s, "fatal") || HAS(b, e, s, "panic") ? WordProblem : WordNone;
    case 6: return HAS(b, e, s, "reject") ? WordReject : WordNone;
    case 7: return HAS(b, e, s, "warning") ? WordProblem : HAS(b, e, s, "discard") ? WordDiscard : WordNone;
    case 14: return HAS(b, e, s, "reject_warning") ? WordRejectWarning : WordNone;
    default: return WordNone;
  }
}

static const i32 QID_REJECT[] = { TypeNone, TypeNone, TypeReject, TypeRejectWarning, TypeHold, TypeDiscard };

INLINE int is_token_byte(const u8 *b, i32 e, i32 i) {
  if (i >= e) return 0;
  u8 c = b[i];
  return c != 58 && !is_space(c);
}

static i32 token_end(const u8 *b, i32 e, i32 i) {
  i32 k = i;
  while (k < e) {
    u8 c = b[k];
    if (c == 58 || is_space(c)) break;
    k++;
  }
  return k;
}

/** `.*?: ([^:\s]+)` from p: start of the first token after ": ", or -1. */
static i32 first_token(const u8 *b, i32 e, i32 p) {
  for (i32 j = p; j < e - 1; j++) {
    if (b[j] == 58 && b[j + 1] == 32 && is_token_byte(b, e, j + 2)) return j + 2;
  }
  return -1;
}

/**
 * m#^(?:postfix|NAME)(?:/(?:smtps|submission))?/([^\[:]*).*?: ([^:\s]+)# or
 * m#^((?:postfix)(?:-script)?)(?:\[\d+\])?: ([^:\s]+)#
 * on b[r, e); sets cmd, qidStart and qidEnd.
 */
static int match_command(const u8 *b, i32 r, i32 e) {
  // the first byte of every line is tested: most lines that are not postfix's stop here
  if (nameCount == 1 && at(b, e, r) != 112) return 0;
  for (u32 pi = 0; pi < nameCount; pi++) {
    if (!has(b, e, r, names[pi], (i32)nameLen[pi])) continue;
    i32 p = r + (i32)nameLen[pi];
    if (at(b, e, p) != 47) continue;
    i32 start = p + 1;
    // `/smtps/` and `/submission/` are looked at only when an `s` follows the slash
    if (b[start] == 115) {
      if (HAS(b, e, p, "/smtps/")) start = p + 7;
      else if (HAS(b, e, p, "/submission/")) start = p + 12;
    }
    i32 k = start;
    while (k < e) {
      u8 c = b[k];
      if (c == 91 || c == 58) break;
      k++;
    }
    i32 q = first_token(b, e, k);
    if (q >= 0) {
      cmd = command_of(b, start, k);
      qidStart = q;
      qidEnd = token_end(b, e, q);
      return 1;
    }
  }
  if (HAS(b, e, r, "postfix")) {
    i32 k = HAS(b, e, r + 7, "-script") ? r + 14 : r + 7;
    if (at(b, e, k) == 91) {
      i32 d = k + 1;
      while (d < e && is_digit(b[d])) d++;
      if (d == k + 1 || at(b, e, d) != 93) return 0;
      k = d + 1;
    }
    if (at(b, e, k) == 58 && at(b, e, k + 1) == 32 && is_token_byte(b, e, k + 2)) {
      cmd = CmdOther; // 'postfix' or 'postfix-script': none of the tested names
      qidStart = k + 2;
      qidEnd = token_end(b, e, k + 2);
      return 1;
    }
  }
  return 0;
}

/** Is `[\d+]: ` right before w (the text starts at r)? */
static int after_bracketed_digits(const u8 *b, i32 r, i32 w) {
  if (w - r < 4 || b[w - 1] != 32 || b[w - 2] != 58 || b[w - 3] != 93) return 0;
  i32 k = w - 3;
  while (k > r && is_digit(b[k - 1])) k--;
  return k < w - 3 && k >= r + 1 && b[k - 1] == 91;
}

// ---------------------------------------------------------------------------------------------
// per queue id bookkeeping

static void count_reject(i32 t) {
  if (t != TypeNone) totals[t]++;
}

/** A set's add of s[0, n): its size is the total. */
static void add(Table *t, i32 total, const u8 *s, u32 n) {
  table_id(t, s, n, 1);
  totals[total] = t->count;
}

/** A from=<addr>, size= line of queue id `id` (zero: the size string is "0"); addr is addr[0, n). */
static void apply_from_size(i32 id, const u8 *addr, i32 n, f64 size, int zero) {
  if (qflags[id] & SIZE_TRUE) return; // avoid double-counting
  qsize[id] = size;
  if (zero) qflags[id] &= ~SIZE_TRUE;
  else qflags[id] |= SIZE_TRUE;
  i32 w = qwhence[id];
  // Perl's truth of the whence string: not undef, '' or '0'
  if (w < 0) return;
  u32 wl = whences.len[w];
  const u8 *ws = whences.arena + whences.off[w];
  if (wl == 0 || (wl == 1 && ws[0] == 48)) return;
  i32 a = index_of(addr, n, '@');
  if (a >= 1 && a + 1 < n) add(&sendingDomains, SendingDomains, addr + a + 1, (u32)(n - a - 1));
  else if (w == whencePickup) add(&sendingDomains, SendingDomains, addr, (u32)n);
  else add(&sendingDomains, SendingDomains, ws, wl);
  add(&senders, Senders, addr, (u32)n);
  totals[BytesReceived] += size;
  qwhence[id] = -1;
}

static void set_whence(i32 id, const u8 *s, i32 n) {
  qwhence[id] = n < 0 ? -1 : table_id(&whences, s, (u32)n, 1);
}

// ---------------------------------------------------------------------------------------------
// gimme_domain(): the client's domain (last two labels, three for ccTLD-style 2.2/3.2 endings) or
// its IP address; written to scratch, its length (-1: undef, neither shape)

INLINE int is_hex_dot_colon(i32 c) {
  return is_digit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c == 46 || c == 58;
}

/** `(?:\d{1,3}\.){3}\d{1,3}\]` at i of s[0, n): index of the `]`, or -1. */
static i32 ipv4_before_bracket(const u8 *s, i32 n, i32 i) {
  i32 p = i;
  for (i32 g = 0; g < 4; g++) {
    i32 d0 = p;
    while (is_digit(at(s, n, p))) p++;
    i32 len = p - d0;
    if (len < 1 || len > 3) return -1;
    i32 want = g < 3 ? 46 : 93;
    if (at(s, n, p) != want) return -1;
    if (g < 3) p++;
  }
  return p;
}

static i32 last_dot(const u8 *s, i32 from) {
  for (i32 i = from; i >= 0; i--) if (s[i] == 46) return i;
  return -1;
}

/** `s/^(.*)\.([^\.]+)\.([^\.]{3}|[^\.]{2,3}\.[^\.]{2})$/\L$2.$3/` on d[0, n): into out, its length */
static i32 reduce_domain(const u8 *d, i32 n, u8 *out) {
  i32 from = 0;
  int low = 0;
  i32 l1 = last_dot(d, n - 1);
  i32 l2 = l1 < 0 ? -1 : last_dot(d, l1 - 1);
  if (l2 >= 0) {
    if (l1 - l2 > 1 && n - l1 - 1 == 3) {
      from = l2 + 1;
      low = 1;
    } else {
      i32 l3 = l2 > 0 ? last_dot(d, l2 - 1) : -1;
      i32 mid = l1 - l2 - 1;
      if (l3 >= 0 && l2 - l3 > 1 && (mid == 2 || mid == 3) && n - l1 - 1 == 2) {
        from = l3 + 1;
        low = 1;
      }
    }
  }
  copy(out, d + from, (u32)(n - from));
  if (low) lower_from(out, 0, (u32)(n - from));
  return n - from;
}

static i32 gimme_domain(const u8 *s, i32 n, u8 *out) {
  i32 ds = 0, de = -1, is = 0, ie = -1; // domain s[ds, de), ip s[is, ie); -1: undef
  i32 lb = index_of(s, n, '[');
  i32 v4 = lb >= 0 ? ipv4_before_bracket(s, n, lb + 1) : -1;
  if (v4 >= 0) {
    de = lb;
    is = lb + 1;
    ie = v4;
  } else {
    i32 sl = index_of(s, n, '/');
    i32 e = sl + 1;
    if (sl >= 0) while (e < n && is_hex_dot_colon(s[e])) e++;
    if (sl >= 0 && e > sl + 1) {
      de = sl;
      is = sl + 1;
      ie = e;
    } else {
      // ^([^\[\(\/]*)[\[\(\/]([^\]\)]+)[\]\)]:?\d*$
      i32 d = 0;
      while (d < n && s[d] != 91 && s[d] != 40 && s[d] != 47) d++;
      if (d < n) {
        i32 k = d + 1;
        while (k < n && s[k] != 93 && s[k] != 41) k++;
        if (k < n && k > d + 1) {
          i32 t = k + 1;
          if (at(s, n, t) == 58) t++;
          while (t < n && is_digit(s[t])) t++;
          if (t == n) {
            de = d;
            is = d + 1;
            ie = k;
          }
        }
      }
    }
  }
  if (de < 0 || de == ds || (de - ds == 7 && HAS(s, de, ds, "unknown"))) {
    if (ie < 0) return -1;
    copy(out, s + is, (u32)(ie - is));
    return ie - is;
  }
  return reduce_domain(s + ds, de - ds, out);
}

// ---------------------------------------------------------------------------------------------
// the main loop's expressions

/** /\[\d+\]: \w+: client=(.+?)(,|$)/ -> sets clientStart/clientEnd */
static int smtpd_client(const u8 *b, i32 r, i32 e) {
  i32 i = search(NClient, b, e, r);
  while (i >= 0) {
    i32 w = i;
    while (w > r && is_word(b[w - 1])) w--;
    if (w < i && after_bracketed_digits(b, r, w) && i + 9 < e) {
      i32 c = i + 9;
      i32 comma = find_byte(b, e, c + 1, 44);
      clientStart = c;
      clientEnd = comma < 0 ? e : comma;
      return 1;
    }
    i = search(NClient, b, e, i + 1);
  }
  return 0;
}

/** /from=<([^>]*)>, size=(\d+)/ and its sender bookkeeping */
static int from_size(const u8 *b, i32 r, i32 e) {
  i32 i = search(NFrom, b, e, r);
  while (i >= 0) {
    i32 g = find_byte(b, e, i + 6, 62);
    if (g < 0) return 0;
    if (HAS(b, e, g + 1, ", size=") && is_digit(at(b, e, g + 8))) {
      i32 k = g + 9;
      while (k < e && is_digit(b[k])) k++;
      i32 id = qid_id(b, (u32)qidStart, (u32)qidEnd, 1);
      if (qflags[id] & SIZE_TRUE) return 1; // avoid double-counting
      i32 n = g - (i + 6);
      u8 *addr;
      if (n == 0) {
        addr = scratch_for(7);
        copy(addr, (const u8 *)"from=<>", 7);
        n = 7;
      } else {
        addr = scratch_for((u32)n);
        copy(addr, b + i + 6, (u32)n);
        lower_from_at(addr, n);
      }
      f64 size = digits_value(b, g + 8, k);
      int zero = k == g + 9 && b[g + 8] == 48;
      apply_from_size(id, addr, n, size, zero);
      return 1;
    }
    i = search(NFrom, b, e, g + 1);
  }
  return 0;
}

/** `[^,]+, ` from p: index after the ", ", or -1. Remembers the next comma (one scan per line in all). */
static i32 commaAt;
static i32 value_end(const u8 *b, i32 e, i32 p) {
  if (commaAt < p) commaAt = find_byte(b, e, p, 44);
  i32 c = commaAt;
  if (c < 0) commaAt = e; // none left: later look-ups fail at once
  if (c <= p || at(b, e, c + 1) != 32) return -1;
  return c + 2;
}

/** Start of the status word after `to=<...>` ended at p, or -1 (the fixed sequence of the to= regex). */
static i32 status_after_address(const u8 *b, i32 e, i32 p) {
  if (at(b, e, p) != 44 || at(b, e, p + 1) != 32) return -1;
  p += 2;
  if (HAS(b, e, p, "orig_to=<")) {
    i32 g = find_byte(b, e, p + 9, 62);
    if (g < 0 || at(b, e, g + 1) != 44 || at(b, e, g + 2) != 32) return -1;
    p = g + 3;
  }
  if (!HAS(b, e, p, "relay=")) return -1;
  p = value_end(b, e, p + 6);
  if (p < 0) return -1;
  if (HAS(b, e, p, "conn_use=")) {
    p = value_end(b, e, p + 9);
    if (p < 0) return -1;
  }
  if (!HAS(b, e, p, "delay=")) return -1;
  p = value_end(b, e, p + 6);
  if (p < 0) return -1;
  if (HAS(b, e, p, "delays=")) {
    p = value_end(b, e, p + 7);
    if (p < 0) return -1;
  }
  if (HAS(b, e, p, "dsn=")) {
    p = value_end(b, e, p + 4);
    if (p < 0) return -1;
  }
  if (!HAS(b, e, p, "status=")) return -1;
  p += 7;
  return p < e && !is_space(b[p]) ? p : -1;
}

/** The to= line's address is b[a, g), its status b[st, se); the line ends at e. */
static void count_delivery(const u8 *b, i32 e, i32 a, i32 g, i32 st, i32 se) {
  i32 len = se - st;
  if (len == 4 && HAS(b, se, st, "sent")) {
    if (FIND(b, e, se, "forwarded as ") >= 0) {
      totals[Forwarded]++;
      return;
    }
    i32 n = g - a;
    u8 *addr = scratch_for((u32)n + 1);
    copy(addr, b + a, (u32)n);
    lower_from_at(addr, n);
    i32 x = index_of(addr, n, '@');
    if (x >= 1) add(&recipientDomains, RecipientDomains, addr + x + 1, (u32)(n - x - 1));
    else add(&recipientDomains, RecipientDomains, addr, (u32)n);
    add(&recipients, Recipients, addr, (u32)n);
    totals[Delivered]++;
    i32 id = qid_id(b, (u32)qidStart, (u32)qidEnd, 0);
    if (id >= 0 && (qflags[id] & SIZE_TRUE)) totals[BytesDelivered] += qsize[id];
  } else if (len == 8 && HAS(b, se, st, "deferred")) {
    totals[Deferrals]++;
    i32 id = qid_id(b, (u32)qidStart, (u32)qidEnd, 1);
    if (!(qflags[id] & DEFERRED)) {
      qflags[id] |= DEFERRED;
      totals[Deferred]++;
    }
  } else if (len == 7 && HAS(b, se, st, "bounced")) {
    totals[Bounced]++;
  }
}

/**
 * /to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=([^,]+), (?:conn_use=[^,]+, )?delay=([^,]+),
 *  (?:delays=[^,]+, )?(?:dsn=[^,]+, )?status=(\S+)(.*)$/ and its counting
 */
static int to_line(const u8 *b, i32 r, i32 e) {
  i32 i = search(NTo, b, e, r);
  if (i < 0) return 0;
  commaAt = -1;
  while (i >= 0) {
    i32 g = find_byte(b, e, i + 4, 62);
    if (g < 0) return 0;
    i32 st = status_after_address(b, e, g + 1);
    if (st >= 0) {
      i32 k = st;
      while (k < e && !is_space(b[k])) k++;
      count_delivery(b, e, i + 4, g, st, k);
      return 1;
    }
    i = search(NTo, b, e, g + 1);
  }
  return 0;
}

/** `\bWORD` ending at c, starting at or after min (the text starts at r). */
static int word_ends_at(const u8 *b, const char *word, i32 n, i32 c, i32 min, i32 r) {
  i32 q = c - n;
  return q >= min && has(b, c, q, (const u8 *)word, n) && (q == r || !is_word(b[q - 1]));
}
#define WORD_ENDS_AT(b, lit, c, min, r) word_ends_at(b, lit, (i32)sizeof(lit) - 1, c, min, r)

/** The action word ending at c (where ": STAGE " starts), as cleanup_action's regex reads it. */
static i32 cleanup_word_before(const u8 *b, i32 c, i32 start, i32 r) {
  if (WORD_ENDS_AT(b, "reject", c, start, r) || WORD_ENDS_AT(b, "milter-reject", c, start, r)) return TypeReject;
  if (WORD_ENDS_AT(b, "warning", c, start, r)) return TypeRejectWarning;
  if (WORD_ENDS_AT(b, "hold", c, start, r)) return TypeHold;
  if (WORD_ENDS_AT(b, "discard", c, start, r)) return TypeDiscard;
  return TypeNone;
}

/**
 * /\/cleanup\[\d+\]: .*?\b((?:milter-)?reject|warning|hold|discard): (header|body|END-OF-MESSAGE) (.*)$/
 * on b[r, e) -> the action, or TypeNone. The leftmost ": STAGE " after the tag whose word before is an action wins.
 */
static i32 cleanup_action(const u8 *b, i32 r, i32 e) {
  i32 start = -1;
  i32 i = FIND(b, e, r, "/cleanup[");
  while (i >= 0) {
    i32 k = i + 9;
    while (is_digit(at(b, e, k))) k++;
    if (k > i + 9 && at(b, e, k) == 93 && at(b, e, k + 1) == 58 && at(b, e, k + 2) == 32) {
      start = k + 3;
      break;
    }
    i = FIND(b, e, i + 1, "/cleanup[");
  }
  if (start < 0) return TypeNone;
  static const i32 STAGES[] = { NHeader, NBody, NEom };
  i32 best = -1;
  i32 action = TypeNone;
  for (i32 s = 0; s < 3; s++) {
    i32 c = search(STAGES[s], b, e, start);
    while (c >= 0 && (best < 0 || c < best)) {
      i32 t = cleanup_word_before(b, c, start, r);
      if (t != TypeNone) {
        best = c;
        action = t;
        break;
      }
      c = search(STAGES[s], b, e, c + 1);
    }
  }
  return action;
}

/** /\[\d+\]: \w+: (reject(?:_warning)?|hold|discard): / on b[r, e) -> the action (the leftmost match wins), or TypeNone. */
static i32 smtpd_action(const u8 *b, i32 r, i32 e) {
  static const i32 NEEDLES[] = { NRejectWarning, NReject, NHold, NDiscard };
  static const i32 TYPES[] = { TypeRejectWarning, TypeReject, TypeHold, TypeDiscard };
  i32 best = -1;
  i32 action = TypeNone;
  for (i32 s = 0; s < 4; s++) {
    i32 c = search(NEEDLES[s], b, e, r);
    while (c >= 0 && (best < 0 || c < best)) {
      // `\w+` right before the ": ACTION: ", and `[\d+]: ` right before that
      i32 w = c;
      while (w > r && is_word(b[w - 1])) w--;
      if (w < c && after_bracketed_digits(b, r, w)) {
        best = c;
        action = TYPES[s];
        break;
      }
      c = search(NEEDLES[s], b, e, c + 1);
    }
  }
  return action;
}

/** The tagged text is b[r, e). */
static void tagged(const u8 *b, i32 r, i32 e) {
  if (!match_command(b, r, e)) return;
  totals[PostfixLines]++;
  i32 word = qid_word_of(b, qidStart, qidEnd);
  i32 sub;
  if (cmd == CmdCleanup && (sub = cleanup_action(b, r, e)) != TypeNone) {
    count_reject(sub);
  } else if (word == WordProblem) {
    // problem reports only
  } else if (word != WordNone) {
    count_reject(QID_REJECT[word]);
  } else if (cmd == CmdMaster) {
    // master daemon messages only
  } else if (cmd == CmdSmtpd || cmd == CmdPostscreen) {
    if (smtpd_client(b, r, e)) {
      totals[Received]++;
      u8 *out = scratch_for((u32)(clientEnd - clientStart));
      i32 n = gimme_domain(b + clientStart, clientEnd - clientStart, out);
      set_whence(qid_id(b, (u32)qidStart, (u32)qidEnd, 1), out, n);
    } else {
      count_reject(smtpd_action(b, r, e));
    }
  } else if (!from_size(b, r, e) && !to_line(b, r, e)) {
    if (cmd == CmdPickup && (first[NSender] >= 0 || first[NUid] >= 0)) {
      totals[Received]++;
      set_whence(qid_id(b, (u32)qidStart, (u32)qidEnd, 1), (const u8 *)"pickup", 6);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// lines

static void line(const u8 *b, i32 start, i32 end, int wasStripped);

/** `s/: \[ID \d+ [^\]]+\] /: /` (Solaris syslog message ids), first match only, then the line again */
static void strip(const u8 *b, i32 s, i32 e) {
  i32 i = FIND(b, e, s, ": [ID ");
  while (i >= 0) {
    i32 k = i + 6;
    i32 d0 = k;
    while (is_digit(at(b, e, k))) k++;
    if (k > d0 && at(b, e, k) == 32 && at(b, e, k + 1) != 93) {
      i32 rb = find_byte(b, e, k + 1, 93);
      if (rb < 0) break;
      if (at(b, e, rb + 1) == 32) {
        u32 n = (u32)(i + 2 - s + e - (rb + 2));
        if (n > strippedCap) {
          strippedCap = n * 2;
          stripped = (u8 *)alloc(strippedCap);
        }
        copy(stripped, b + s, (u32)(i + 2 - s));
        copy(stripped + (i + 2 - s), b + rb + 2, (u32)(e - (rb + 2)));
        line(stripped, 0, (i32)n, 1);
        return;
      }
      i = FIND(b, e, rb, ": [ID ");
      continue;
    }
    i = FIND(b, e, i + 1, ": [ID ");
  }
  line(b, s, e, 1);
}

/**
 * pflogsumm first strips a Solaris message id (once), then reads the header. With a header, ": [ID "
 * can start no earlier than the host's last byte (r - 2), so the line's one scan from there finds it.
 */
static void line(const u8 *b, i32 start, i32 end, int wasStripped) {
  i32 r = traditional_rest(b, start, end);
  if (r < 0) r = rfc3339_rest(b, start, end);
  if (r < 0) {
    if (!wasStripped && FIND(b, end, start, ": [ID ") >= 0) strip(b, start, end);
    return;
  }
  if (nameCount == 1 && b[r] != 112) {
    // not postfix's: unless a stripped id starts right before the text, nothing after it can change that
    if (!wasStripped && HAS(b, end, r - 2, ": [ID ")) strip(b, start, end);
    return;
  }
  scan_line(b, r, end);
  if (!wasStripped && first[NSolarisId] >= 0) {
    strip(b, start, end);
    return;
  }
  tagged(b, r, end);
}

/** First LF in b[from, e), or e. Sixteen bytes at a time. */
static i32 next_lf(const u8 *b, i32 from, i32 e) {
  i32 i = from;
  const v128_t lf = wasm_i8x16_splat(10);
  for (; i + 16 <= e; i += 16) {
    u32 m = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(b + i), lf));
    if (m != 0) return i + __builtin_ctz(m);
  }
  while (i < e && b[i] != 10) i++;
  return i;
}

/**
 * Counts the lines of input[0, n) that end with an LF (all of them when `last`: the input ended);
 * returns the bytes used. The caller keeps the rest (a line cut by the chunk's end) for the next call.
 */
EXPORT("feed") u32 pd_feed(u32 n, u32 last) {
  init();
  const u8 *b = input;
  i32 e = (i32)n;
  i32 pos = 0;
  for (;;) {
    i32 nl = next_lf(b, pos, e);
    if (nl >= e) break;
    totals[Lines]++;
    line(b, pos, nl, 0);
    pos = nl + 1;
  }
  if (last && pos < e) {
    totals[Lines]++;
    line(b, pos, e, 0);
    pos = e;
  }
  return (u32)pos;
}

/** One line (without its LF): input[0, n). */
EXPORT("line") void pd_line(u32 n) {
  init();
  totals[Lines]++;
  line(input, 0, (i32)n, 0);
}

/** The text after timestamp and host (`postfix/smtpd[123]: ...`), e.g. rebuilt from a journald record: input[0, n). Not a line of its own. */
EXPORT("tagged") void pd_tagged(u32 n) {
  init();
  scan_line(input, 0, (i32)n);
  tagged(input, 0, (i32)n);
}

/** The totals, in pflogsumm's order, then lines and postfix lines. */
EXPORT("totals") f64 *pd_totals(void) {
  init();
  return totals;
}
