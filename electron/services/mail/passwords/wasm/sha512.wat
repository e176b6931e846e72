;; SHA-512 with the SHA-crypt round loop (Drepper's "Unix crypt using SHA-256 and SHA-512", steps 21)
;; inside WebAssembly, where i64 arithmetic is native: no per-round crossing into JS.
;; Assembled with wabt (test/tools/assemble-sha-wasm.ts) into sha512-wasm-binary.ts.
;;
;; Memory layout (bytes):
;;      0  K[80]    round constants, little-endian i64
;;    640  H[8]     chaining state
;;    704  block    128-byte input block
;;    832  W[80]    message schedule
;;   1472  bufLen   i32, bytes in block
;;   1480  total    i64, bytes hashed
;;   4096  I/O area for the caller (global ioBase), to the end of memory
(module
  (memory (export "memory") 2)
  (global (export "ioBase") i32 (i32.const 4096))
  (data (i32.const 0)
    "\22\ae\28\d7\98\2f\8a\42\cd\65\ef\23\91\44\37\71\2f\3b\4d\ec\cf\fb\c0\b5\bc\db\89\81\a5\db\b5\e9"
    "\38\b5\48\f3\5b\c2\56\39\19\d0\05\b6\f1\11\f1\59\9b\4f\19\af\a4\82\3f\92\18\81\6d\da\d5\5e\1c\ab"
    "\42\02\03\a3\98\aa\07\d8\be\6f\70\45\01\5b\83\12\8c\b2\e4\4e\be\85\31\24\e2\b4\ff\d5\c3\7d\0c\55"
    "\6f\89\7b\f2\74\5d\be\72\b1\96\16\3b\fe\b1\de\80\35\12\c7\25\a7\06\dc\9b\94\26\69\cf\74\f1\9b\c1"
    "\d2\4a\f1\9e\c1\69\9b\e4\e3\25\4f\38\86\47\be\ef\b5\d5\8c\8b\c6\9d\c1\0f\65\9c\ac\77\cc\a1\0c\24"
    "\75\02\2b\59\6f\2c\e9\2d\83\e4\a6\6e\aa\84\74\4a\d4\fb\41\bd\dc\a9\b0\5c\b5\53\11\83\da\88\f9\76"
    "\ab\df\66\ee\52\51\3e\98\10\32\b4\2d\6d\c6\31\a8\3f\21\fb\98\c8\27\03\b0\e4\0e\ef\be\c7\7f\59\bf"
    "\c2\8f\a8\3d\f3\0b\e0\c6\25\a7\0a\93\47\91\a7\d5\6f\82\03\e0\51\63\ca\06\70\6e\0e\0a\67\29\29\14"
    "\fc\2f\d2\46\85\0a\b7\27\26\c9\26\5c\38\21\1b\2e\ed\2a\c4\5a\fc\6d\2c\4d\df\b3\95\9d\13\0d\38\53"
    "\de\63\af\8b\54\73\0a\65\a8\b2\77\3c\bb\0a\6a\76\e6\ae\ed\47\2e\c9\c2\81\3b\35\82\14\85\2c\72\92"
    "\64\03\f1\4c\a1\e8\bf\a2\01\30\42\bc\4b\66\1a\a8\91\97\f8\d0\70\8b\4b\c2\30\be\54\06\a3\51\6c\c7"
    "\18\52\ef\d6\19\e8\92\d1\10\a9\65\55\24\06\99\d6\2a\20\71\57\85\35\0e\f4\b8\d1\bb\32\70\a0\6a\10"
    "\c8\d0\d2\b8\16\c1\a4\19\53\ab\41\51\08\6c\37\1e\99\eb\8e\df\4c\77\48\27\a8\48\9b\e1\b5\bc\b0\34"
    "\63\5a\c9\c5\b3\0c\1c\39\cb\8a\41\e3\4a\aa\d8\4e\73\e3\63\77\4f\ca\9c\5b\a3\b8\b2\d6\f3\6f\2e\68"
    "\fc\b2\ef\5d\ee\82\8f\74\60\2f\17\43\6f\63\a5\78\72\ab\f0\a1\14\78\c8\84\ec\39\64\1a\08\02\c7\8c"
    "\28\1e\63\23\fa\ff\be\90\e9\bd\82\de\eb\6c\50\a4\15\79\c6\b2\f7\a3\f9\be\2b\53\72\e3\f2\78\71\c6"
    "\9c\61\26\ea\ce\3e\27\ca\07\c2\c0\21\c7\b8\86\d1\1e\eb\e0\cd\d6\7d\da\ea\78\d1\6e\ee\7f\4f\7d\f5"
    "\ba\6f\17\72\aa\67\f0\06\a6\98\c8\a2\c5\7d\63\0a\ae\0d\f9\be\04\98\3f\11\1b\47\1c\13\35\0b\71\1b"
    "\84\7d\04\23\f5\77\db\28\93\24\c7\40\7b\ab\ca\32\bc\be\c9\15\0a\be\9e\3c\4c\0d\10\9c\c4\67\1d\43"
    "\b6\42\3e\cb\be\d4\c5\4c\2a\7e\65\fc\9c\29\7f\59\ec\fa\d6\3a\ab\6f\cb\5f\17\58\47\4a\8c\19\44\6c"
  )

  (func $bswap64 (param $x i64) (result i64)
    (local.set $x (i64.or
      (i64.shl (i64.and (local.get $x) (i64.const 0x00FF00FF00FF00FF)) (i64.const 8))
      (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00FF00FF00FF00FF))))
    (local.set $x (i64.or
      (i64.shl (i64.and (local.get $x) (i64.const 0x0000FFFF0000FFFF)) (i64.const 16))
      (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 0x0000FFFF0000FFFF))))
    (i64.rotl (local.get $x) (i64.const 32)))

  ;; One SHA-512 compression of the 128-byte block into H.
  (func $compress
    (local $t i32)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local $w2 i64) (local $w15 i64)
    ;; W[0..15] = big-endian words of the block
    (local.set $t (i32.const 0))
    (loop $load
      (i64.store offset=832 (local.get $t) (call $bswap64 (i64.load offset=704 (local.get $t))))
      (local.set $t (i32.add (local.get $t) (i32.const 8)))
      (br_if $load (i32.lt_u (local.get $t) (i32.const 128))))
    ;; W[16..79]; $t is the byte offset of W[t] within W
    (loop $expand
      (local.set $w2 (i64.load offset=816 (local.get $t)))   ;; W[t-2]
      (local.set $w15 (i64.load offset=712 (local.get $t)))  ;; W[t-15]
      (i64.store offset=832 (local.get $t)
        (i64.add
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $w2) (i64.const 19)) (i64.rotr (local.get $w2) (i64.const 61)))
              (i64.shr_u (local.get $w2) (i64.const 6)))
            (i64.load offset=776 (local.get $t)))              ;; W[t-7]
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $w15) (i64.const 1)) (i64.rotr (local.get $w15) (i64.const 8)))
              (i64.shr_u (local.get $w15) (i64.const 7)))
            (i64.load offset=704 (local.get $t)))))            ;; W[t-16]
      (local.set $t (i32.add (local.get $t) (i32.const 8)))
      (br_if $expand (i32.lt_u (local.get $t) (i32.const 640))))
    (local.set $a (i64.load offset=640 (i32.const 0)))
    (local.set $b (i64.load offset=648 (i32.const 0)))
    (local.set $c (i64.load offset=656 (i32.const 0)))
    (local.set $d (i64.load offset=664 (i32.const 0)))
    (local.set $e (i64.load offset=672 (i32.const 0)))
    (local.set $f (i64.load offset=680 (i32.const 0)))
    (local.set $g (i64.load offset=688 (i32.const 0)))
    (local.set $h (i64.load offset=696 (i32.const 0)))
    (local.set $t (i32.const 0))
    ;; 80 rounds, unrolled by 8 so that the working variables rotate by name instead of by copying
    (loop $round
      ;; round t+0: h += S1(e) + Ch + K + W; d += h; h += S0(a) + Maj
      (local.set $h
        (i64.add
          (i64.add
            (i64.add (local.get $h)
              (i64.xor
                (i64.xor (i64.rotr (local.get $e) (i64.const 14)) (i64.rotr (local.get $e) (i64.const 18)))
                (i64.rotr (local.get $e) (i64.const 41))))
            (i64.xor (local.get $g) (i64.and (local.get $e) (i64.xor (local.get $f) (local.get $g)))))
          (i64.add (i64.load offset=0 (local.get $t)) (i64.load offset=832 (local.get $t)))))
      (local.set $d (i64.add (local.get $d) (local.get $h)))
      (local.set $h
        (i64.add (local.get $h)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $a) (i64.const 28)) (i64.rotr (local.get $a) (i64.const 34)))
              (i64.rotr (local.get $a) (i64.const 39)))
            (i64.or
              (i64.and (local.get $a) (local.get $b))
              (i64.and (local.get $c) (i64.or (local.get $a) (local.get $b)))))))
      ;; round t+1: g += S1(d) + Ch + K + W; c += g; g += S0(h) + Maj
      (local.set $g
        (i64.add
          (i64.add
            (i64.add (local.get $g)
              (i64.xor
                (i64.xor (i64.rotr (local.get $d) (i64.const 14)) (i64.rotr (local.get $d) (i64.const 18)))
                (i64.rotr (local.get $d) (i64.const 41))))
            (i64.xor (local.get $f) (i64.and (local.get $d) (i64.xor (local.get $e) (local.get $f)))))
          (i64.add (i64.load offset=8 (local.get $t)) (i64.load offset=840 (local.get $t)))))
      (local.set $c (i64.add (local.get $c) (local.get $g)))
      (local.set $g
        (i64.add (local.get $g)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $h) (i64.const 28)) (i64.rotr (local.get $h) (i64.const 34)))
              (i64.rotr (local.get $h) (i64.const 39)))
            (i64.or
              (i64.and (local.get $h) (local.get $a))
              (i64.and (local.get $b) (i64.or (local.get $h) (local.get $a)))))))
      ;; round t+2: f += S1(c) + Ch + K + W; b += f; f += S0(g) + Maj
      (local.set $f
        (i64.add
          (i64.add
            (i64.add (local.get $f)
              (i64.xor
                (i64.xor (i64.rotr (local.get $c) (i64.const 14)) (i64.rotr (local.get $c) (i64.const 18)))
                (i64.rotr (local.get $c) (i64.const 41))))
            (i64.xor (local.get $e) (i64.and (local.get $c) (i64.xor (local.get $d) (local.get $e)))))
          (i64.add (i64.load offset=16 (local.get $t)) (i64.load offset=848 (local.get $t)))))
      (local.set $b (i64.add (local.get $b) (local.get $f)))
      (local.set $f
        (i64.add (local.get $f)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $g) (i64.const 28)) (i64.rotr (local.get $g) (i64.const 34)))
              (i64.rotr (local.get $g) (i64.const 39)))
            (i64.or
              (i64.and (local.get $g) (local.get $h))
              (i64.and (local.get $a) (i64.or (local.get $g) (local.get $h)))))))
      ;; round t+3: e += S1(b) + Ch + K + W; a += e; e += S0(f) + Maj
      (local.set $e
        (i64.add
          (i64.add
            (i64.add (local.get $e)
              (i64.xor
                (i64.xor (i64.rotr (local.get $b) (i64.const 14)) (i64.rotr (local.get $b) (i64.const 18)))
                (i64.rotr (local.get $b) (i64.const 41))))
            (i64.xor (local.get $d) (i64.and (local.get $b) (i64.xor (local.get $c) (local.get $d)))))
          (i64.add (i64.load offset=24 (local.get $t)) (i64.load offset=856 (local.get $t)))))
      (local.set $a (i64.add (local.get $a) (local.get $e)))
      (local.set $e
        (i64.add (local.get $e)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $f) (i64.const 28)) (i64.rotr (local.get $f) (i64.const 34)))
              (i64.rotr (local.get $f) (i64.const 39)))
            (i64.or
              (i64.and (local.get $f) (local.get $g))
              (i64.and (local.get $h) (i64.or (local.get $f) (local.get $g)))))))
      ;; round t+4: d += S1(a) + Ch + K + W; h += d; d += S0(e) + Maj
      (local.set $d
        (i64.add
          (i64.add
            (i64.add (local.get $d)
              (i64.xor
                (i64.xor (i64.rotr (local.get $a) (i64.const 14)) (i64.rotr (local.get $a) (i64.const 18)))
                (i64.rotr (local.get $a) (i64.const 41))))
            (i64.xor (local.get $c) (i64.and (local.get $a) (i64.xor (local.get $b) (local.get $c)))))
          (i64.add (i64.load offset=32 (local.get $t)) (i64.load offset=864 (local.get $t)))))
      (local.set $h (i64.add (local.get $h) (local.get $d)))
      (local.set $d
        (i64.add (local.get $d)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $e) (i64.const 28)) (i64.rotr (local.get $e) (i64.const 34)))
              (i64.rotr (local.get $e) (i64.const 39)))
            (i64.or
              (i64.and (local.get $e) (local.get $f))
              (i64.and (local.get $g) (i64.or (local.get $e) (local.get $f)))))))
      ;; round t+5: c += S1(h) + Ch + K + W; g += c; c += S0(d) + Maj
      (local.set $c
        (i64.add
          (i64.add
            (i64.add (local.get $c)
              (i64.xor
                (i64.xor (i64.rotr (local.get $h) (i64.const 14)) (i64.rotr (local.get $h) (i64.const 18)))
                (i64.rotr (local.get $h) (i64.const 41))))
            (i64.xor (local.get $b) (i64.and (local.get $h) (i64.xor (local.get $a) (local.get $b)))))
          (i64.add (i64.load offset=40 (local.get $t)) (i64.load offset=872 (local.get $t)))))
      (local.set $g (i64.add (local.get $g) (local.get $c)))
      (local.set $c
        (i64.add (local.get $c)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $d) (i64.const 28)) (i64.rotr (local.get $d) (i64.const 34)))
              (i64.rotr (local.get $d) (i64.const 39)))
            (i64.or
              (i64.and (local.get $d) (local.get $e))
              (i64.and (local.get $f) (i64.or (local.get $d) (local.get $e)))))))
      ;; round t+6: b += S1(g) + Ch + K + W; f += b; b += S0(c) + Maj
      (local.set $b
        (i64.add
          (i64.add
            (i64.add (local.get $b)
              (i64.xor
                (i64.xor (i64.rotr (local.get $g) (i64.const 14)) (i64.rotr (local.get $g) (i64.const 18)))
                (i64.rotr (local.get $g) (i64.const 41))))
            (i64.xor (local.get $a) (i64.and (local.get $g) (i64.xor (local.get $h) (local.get $a)))))
          (i64.add (i64.load offset=48 (local.get $t)) (i64.load offset=880 (local.get $t)))))
      (local.set $f (i64.add (local.get $f) (local.get $b)))
      (local.set $b
        (i64.add (local.get $b)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $c) (i64.const 28)) (i64.rotr (local.get $c) (i64.const 34)))
              (i64.rotr (local.get $c) (i64.const 39)))
            (i64.or
              (i64.and (local.get $c) (local.get $d))
              (i64.and (local.get $e) (i64.or (local.get $c) (local.get $d)))))))
      ;; round t+7: a += S1(f) + Ch + K + W; e += a; a += S0(b) + Maj
      (local.set $a
        (i64.add
          (i64.add
            (i64.add (local.get $a)
              (i64.xor
                (i64.xor (i64.rotr (local.get $f) (i64.const 14)) (i64.rotr (local.get $f) (i64.const 18)))
                (i64.rotr (local.get $f) (i64.const 41))))
            (i64.xor (local.get $h) (i64.and (local.get $f) (i64.xor (local.get $g) (local.get $h)))))
          (i64.add (i64.load offset=56 (local.get $t)) (i64.load offset=888 (local.get $t)))))
      (local.set $e (i64.add (local.get $e) (local.get $a)))
      (local.set $a
        (i64.add (local.get $a)
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $b) (i64.const 28)) (i64.rotr (local.get $b) (i64.const 34)))
              (i64.rotr (local.get $b) (i64.const 39)))
            (i64.or
              (i64.and (local.get $b) (local.get $c))
              (i64.and (local.get $d) (i64.or (local.get $b) (local.get $c)))))))

      (local.set $t (i32.add (local.get $t) (i32.const 64)))
      (br_if $round (i32.lt_u (local.get $t) (i32.const 640))))
    (i64.store offset=640 (i32.const 0) (i64.add (i64.load offset=640 (i32.const 0)) (local.get $a)))
    (i64.store offset=648 (i32.const 0) (i64.add (i64.load offset=648 (i32.const 0)) (local.get $b)))
    (i64.store offset=656 (i32.const 0) (i64.add (i64.load offset=656 (i32.const 0)) (local.get $c)))
    (i64.store offset=664 (i32.const 0) (i64.add (i64.load offset=664 (i32.const 0)) (local.get $d)))
    (i64.store offset=672 (i32.const 0) (i64.add (i64.load offset=672 (i32.const 0)) (local.get $e)))
    (i64.store offset=680 (i32.const 0) (i64.add (i64.load offset=680 (i32.const 0)) (local.get $f)))
    (i64.store offset=688 (i32.const 0) (i64.add (i64.load offset=688 (i32.const 0)) (local.get $g)))
    (i64.store offset=696 (i32.const 0) (i64.add (i64.load offset=696 (i32.const 0)) (local.get $h))))

  (func $init (export "init")
    (i64.store offset=640 (i32.const 0) (i64.const 0x6a09e667f3bcc908))
    (i64.store offset=648 (i32.const 0) (i64.const 0xbb67ae8584caa73b))
    (i64.store offset=656 (i32.const 0) (i64.const 0x3c6ef372fe94f82b))
    (i64.store offset=664 (i32.const 0) (i64.const 0xa54ff53a5f1d36f1))
    (i64.store offset=672 (i32.const 0) (i64.const 0x510e527fade682d1))
    (i64.store offset=680 (i32.const 0) (i64.const 0x9b05688c2b3e6c1f))
    (i64.store offset=688 (i32.const 0) (i64.const 0x1f83d9abfb41bd6b))
    (i64.store offset=696 (i32.const 0) (i64.const 0x5be0cd19137e2179))
    (i32.store offset=1472 (i32.const 0) (i32.const 0))
    (i64.store offset=1480 (i32.const 0) (i64.const 0)))

  ;; Hashes $len bytes at $ptr.
  (func $update (export "update") (param $ptr i32) (param $len i32)
    (local $used i32) (local $n i32)
    (i64.store offset=1480 (i32.const 0)
      (i64.add (i64.load offset=1480 (i32.const 0)) (i64.extend_i32_u (local.get $len))))
    (local.set $used (i32.load offset=1472 (i32.const 0)))
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $n (i32.sub (i32.const 128) (local.get $used)))
        (if (i32.lt_u (local.get $len) (local.get $n)) (then (local.set $n (local.get $len))))
        (memory.copy (i32.add (i32.const 704) (local.get $used)) (local.get $ptr) (local.get $n))
        (local.set $used (i32.add (local.get $used) (local.get $n)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
        (local.set $len (i32.sub (local.get $len) (local.get $n)))
        (if (i32.eq (local.get $used) (i32.const 128))
          (then (call $compress) (local.set $used (i32.const 0))))
        (br $more)))
    (i32.store offset=1472 (i32.const 0) (local.get $used)))

  ;; Pads, compresses and writes the 64-byte digest to $out.
  (func $final (export "final") (param $out i32)
    (local $used i32) (local $i i32)
    (local.set $used (i32.load offset=1472 (i32.const 0)))
    (i32.store8 offset=704 (local.get $used) (i32.const 0x80))
    (local.set $used (i32.add (local.get $used) (i32.const 1)))
    (if (i32.gt_u (local.get $used) (i32.const 112))
      (then
        (memory.fill (i32.add (i32.const 704) (local.get $used)) (i32.const 0) (i32.sub (i32.const 128) (local.get $used)))
        (call $compress)
        (local.set $used (i32.const 0))))
    (memory.fill (i32.add (i32.const 704) (local.get $used)) (i32.const 0) (i32.sub (i32.const 120) (local.get $used)))
    ;; 128-bit big-endian bit length; the high 64 bits stay zero
    (i64.store offset=824 (i32.const 0)
      (call $bswap64 (i64.shl (i64.load offset=1480 (i32.const 0)) (i64.const 3))))
    (call $compress)
    (local.set $i (i32.const 0))
    (loop $write
      (i64.store (i32.add (local.get $out) (local.get $i)) (call $bswap64 (i64.load offset=640 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $write (i32.lt_u (local.get $i) (i32.const 64)))))

  ;; The SHA-crypt rounds: $c holds digest A on entry and the final C on return;
  ;; $p/$s are the P and S byte sequences (steps 16 and 20 of the specification).
  (func (export "rounds") (param $rounds i32) (param $p i32) (param $plen i32)
                          (param $s i32) (param $slen i32) (param $c i32)
    (local $i i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $rounds)))
        (call $init)
        (if (i32.and (local.get $i) (i32.const 1))
          (then (call $update (local.get $p) (local.get $plen)))
          (else (call $update (local.get $c) (i32.const 64))))
        (if (i32.rem_u (local.get $i) (i32.const 3))
          (then (call $update (local.get $s) (local.get $slen))))
        (if (i32.rem_u (local.get $i) (i32.const 7))
          (then (call $update (local.get $p) (local.get $plen))))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (call $update (local.get $c) (i32.const 64)))
          (else (call $update (local.get $p) (local.get $plen))))
        (call $final (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round))))
)
