;; SHA-256 with the SHA-crypt round loop ($5$, steps 21 of Drepper's specification) inside
;; WebAssembly: the same shape as sha512.wat, with 32-bit words.
;; Assembled with wabt (test/tools/assemble-sha-wasm.ts) into sha256-wasm-binary.ts.
;;
;; Memory layout (bytes):
;;      0  K[64]    round constants, little-endian i32
;;    256  H[8]     chaining state
;;    288  block    64-byte input block
;;    352  W[64]    message schedule
;;    608  bufLen   i32, bytes in block
;;    616  total    i64, bytes hashed
;;   4096  I/O area for the caller (global ioBase), to the end of memory
(module
  (memory (export "memory") 2)
  (global (export "ioBase") i32 (i32.const 4096))
  (data (i32.const 0)
    "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab"
    "\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1"
    "\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76"
    "\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14"
    "\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92"
    "\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10"
    "\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68"
    "\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6"
  )

  (func $bswap32 (param $x i32) (result i32)
    (i32.or
      (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00FF00FF))
      (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xFF00FF00))))

  ;; One SHA-256 compression of the 64-byte block into H.
  (func $compress
    (local $t i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $w2 i32) (local $w15 i32)
    ;; W[0..15] = big-endian words of the block
    (local.set $t (i32.const 0))
    (loop $load
      (i32.store offset=352 (local.get $t) (call $bswap32 (i32.load offset=288 (local.get $t))))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $load (i32.lt_u (local.get $t) (i32.const 64))))
    ;; W[16..63]; $t is the byte offset of W[t] within W
    (loop $expand
      (local.set $w2 (i32.load offset=344 (local.get $t)))   ;; W[t-2]
      (local.set $w15 (i32.load offset=292 (local.get $t)))  ;; W[t-15]
      (i32.store offset=352 (local.get $t)
        (i32.add
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $w2) (i32.const 17)) (i32.rotr (local.get $w2) (i32.const 19)))
              (i32.shr_u (local.get $w2) (i32.const 10)))
            (i32.load offset=324 (local.get $t)))              ;; W[t-7]
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $w15) (i32.const 7)) (i32.rotr (local.get $w15) (i32.const 18)))
              (i32.shr_u (local.get $w15) (i32.const 3)))
            (i32.load offset=288 (local.get $t)))))            ;; W[t-16]
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $expand (i32.lt_u (local.get $t) (i32.const 256))))
    (local.set $a (i32.load offset=256 (i32.const 0)))
    (local.set $b (i32.load offset=260 (i32.const 0)))
    (local.set $c (i32.load offset=264 (i32.const 0)))
    (local.set $d (i32.load offset=268 (i32.const 0)))
    (local.set $e (i32.load offset=272 (i32.const 0)))
    (local.set $f (i32.load offset=276 (i32.const 0)))
    (local.set $g (i32.load offset=280 (i32.const 0)))
    (local.set $h (i32.load offset=284 (i32.const 0)))
    (local.set $t (i32.const 0))
    ;; 64 rounds, unrolled by 8 so that the working variables rotate by name instead of by copying
    (loop $round
      ;; round t+0
      (local.set $h
        (i32.add
          (i32.add
            (i32.add (local.get $h)
              (i32.xor
                (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
                (i32.rotr (local.get $e) (i32.const 25))))
            (i32.xor (local.get $g) (i32.and (local.get $e) (i32.xor (local.get $f) (local.get $g)))))
          (i32.add (i32.load offset=0 (local.get $t)) (i32.load offset=352 (local.get $t)))))
      (local.set $d (i32.add (local.get $d) (local.get $h)))
      (local.set $h
        (i32.add (local.get $h)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
              (i32.rotr (local.get $a) (i32.const 22)))
            (i32.or
              (i32.and (local.get $a) (local.get $b))
              (i32.and (local.get $c) (i32.or (local.get $a) (local.get $b)))))))
      ;; round t+1
      (local.set $g
        (i32.add
          (i32.add
            (i32.add (local.get $g)
              (i32.xor
                (i32.xor (i32.rotr (local.get $d) (i32.const 6)) (i32.rotr (local.get $d) (i32.const 11)))
                (i32.rotr (local.get $d) (i32.const 25))))
            (i32.xor (local.get $f) (i32.and (local.get $d) (i32.xor (local.get $e) (local.get $f)))))
          (i32.add (i32.load offset=4 (local.get $t)) (i32.load offset=356 (local.get $t)))))
      (local.set $c (i32.add (local.get $c) (local.get $g)))
      (local.set $g
        (i32.add (local.get $g)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $h) (i32.const 2)) (i32.rotr (local.get $h) (i32.const 13)))
              (i32.rotr (local.get $h) (i32.const 22)))
            (i32.or
              (i32.and (local.get $h) (local.get $a))
              (i32.and (local.get $b) (i32.or (local.get $h) (local.get $a)))))))
      ;; round t+2
      (local.set $f
        (i32.add
          (i32.add
            (i32.add (local.get $f)
              (i32.xor
                (i32.xor (i32.rotr (local.get $c) (i32.const 6)) (i32.rotr (local.get $c) (i32.const 11)))
                (i32.rotr (local.get $c) (i32.const 25))))
            (i32.xor (local.get $e) (i32.and (local.get $c) (i32.xor (local.get $d) (local.get $e)))))
          (i32.add (i32.load offset=8 (local.get $t)) (i32.load offset=360 (local.get $t)))))
      (local.set $b (i32.add (local.get $b) (local.get $f)))
      (local.set $f
        (i32.add (local.get $f)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $g) (i32.const 2)) (i32.rotr (local.get $g) (i32.const 13)))
              (i32.rotr (local.get $g) (i32.const 22)))
            (i32.or
              (i32.and (local.get $g) (local.get $h))
              (i32.and (local.get $a) (i32.or (local.get $g) (local.get $h)))))))
      ;; round t+3
      (local.set $e
        (i32.add
          (i32.add
            (i32.add (local.get $e)
              (i32.xor
                (i32.xor (i32.rotr (local.get $b) (i32.const 6)) (i32.rotr (local.get $b) (i32.const 11)))
                (i32.rotr (local.get $b) (i32.const 25))))
            (i32.xor (local.get $d) (i32.and (local.get $b) (i32.xor (local.get $c) (local.get $d)))))
          (i32.add (i32.load offset=12 (local.get $t)) (i32.load offset=364 (local.get $t)))))
      (local.set $a (i32.add (local.get $a) (local.get $e)))
      (local.set $e
        (i32.add (local.get $e)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $f) (i32.const 2)) (i32.rotr (local.get $f) (i32.const 13)))
              (i32.rotr (local.get $f) (i32.const 22)))
            (i32.or
              (i32.and (local.get $f) (local.get $g))
              (i32.and (local.get $h) (i32.or (local.get $f) (local.get $g)))))))
      ;; round t+4
      (local.set $d
        (i32.add
          (i32.add
            (i32.add (local.get $d)
              (i32.xor
                (i32.xor (i32.rotr (local.get $a) (i32.const 6)) (i32.rotr (local.get $a) (i32.const 11)))
                (i32.rotr (local.get $a) (i32.const 25))))
            (i32.xor (local.get $c) (i32.and (local.get $a) (i32.xor (local.get $b) (local.get $c)))))
          (i32.add (i32.load offset=16 (local.get $t)) (i32.load offset=368 (local.get $t)))))
      (local.set $h (i32.add (local.get $h) (local.get $d)))
      (local.set $d
        (i32.add (local.get $d)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $e) (i32.const 2)) (i32.rotr (local.get $e) (i32.const 13)))
              (i32.rotr (local.get $e) (i32.const 22)))
            (i32.or
              (i32.and (local.get $e) (local.get $f))
              (i32.and (local.get $g) (i32.or (local.get $e) (local.get $f)))))))
      ;; round t+5
      (local.set $c
        (i32.add
          (i32.add
            (i32.add (local.get $c)
              (i32.xor
                (i32.xor (i32.rotr (local.get $h) (i32.const 6)) (i32.rotr (local.get $h) (i32.const 11)))
                (i32.rotr (local.get $h) (i32.const 25))))
            (i32.xor (local.get $b) (i32.and (local.get $h) (i32.xor (local.get $a) (local.get $b)))))
          (i32.add (i32.load offset=20 (local.get $t)) (i32.load offset=372 (local.get $t)))))
      (local.set $g (i32.add (local.get $g) (local.get $c)))
      (local.set $c
        (i32.add (local.get $c)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $d) (i32.const 2)) (i32.rotr (local.get $d) (i32.const 13)))
              (i32.rotr (local.get $d) (i32.const 22)))
            (i32.or
              (i32.and (local.get $d) (local.get $e))
              (i32.and (local.get $f) (i32.or (local.get $d) (local.get $e)))))))
      ;; round t+6
      (local.set $b
        (i32.add
          (i32.add
            (i32.add (local.get $b)
              (i32.xor
                (i32.xor (i32.rotr (local.get $g) (i32.const 6)) (i32.rotr (local.get $g) (i32.const 11)))
                (i32.rotr (local.get $g) (i32.const 25))))
            (i32.xor (local.get $a) (i32.and (local.get $g) (i32.xor (local.get $h) (local.get $a)))))
          (i32.add (i32.load offset=24 (local.get $t)) (i32.load offset=376 (local.get $t)))))
      (local.set $f (i32.add (local.get $f) (local.get $b)))
      (local.set $b
        (i32.add (local.get $b)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $c) (i32.const 2)) (i32.rotr (local.get $c) (i32.const 13)))
              (i32.rotr (local.get $c) (i32.const 22)))
            (i32.or
              (i32.and (local.get $c) (local.get $d))
              (i32.and (local.get $e) (i32.or (local.get $c) (local.get $d)))))))
      ;; round t+7
      (local.set $a
        (i32.add
          (i32.add
            (i32.add (local.get $a)
              (i32.xor
                (i32.xor (i32.rotr (local.get $f) (i32.const 6)) (i32.rotr (local.get $f) (i32.const 11)))
                (i32.rotr (local.get $f) (i32.const 25))))
            (i32.xor (local.get $h) (i32.and (local.get $f) (i32.xor (local.get $g) (local.get $h)))))
          (i32.add (i32.load offset=28 (local.get $t)) (i32.load offset=380 (local.get $t)))))
      (local.set $e (i32.add (local.get $e) (local.get $a)))
      (local.set $a
        (i32.add (local.get $a)
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $b) (i32.const 2)) (i32.rotr (local.get $b) (i32.const 13)))
              (i32.rotr (local.get $b) (i32.const 22)))
            (i32.or
              (i32.and (local.get $b) (local.get $c))
              (i32.and (local.get $d) (i32.or (local.get $b) (local.get $c)))))))
      (local.set $t (i32.add (local.get $t) (i32.const 32)))
      (br_if $round (i32.lt_u (local.get $t) (i32.const 256))))
    (i32.store offset=256 (i32.const 0) (i32.add (i32.load offset=256 (i32.const 0)) (local.get $a)))
    (i32.store offset=260 (i32.const 0) (i32.add (i32.load offset=260 (i32.const 0)) (local.get $b)))
    (i32.store offset=264 (i32.const 0) (i32.add (i32.load offset=264 (i32.const 0)) (local.get $c)))
    (i32.store offset=268 (i32.const 0) (i32.add (i32.load offset=268 (i32.const 0)) (local.get $d)))
    (i32.store offset=272 (i32.const 0) (i32.add (i32.load offset=272 (i32.const 0)) (local.get $e)))
    (i32.store offset=276 (i32.const 0) (i32.add (i32.load offset=276 (i32.const 0)) (local.get $f)))
    (i32.store offset=280 (i32.const 0) (i32.add (i32.load offset=280 (i32.const 0)) (local.get $g)))
    (i32.store offset=284 (i32.const 0) (i32.add (i32.load offset=284 (i32.const 0)) (local.get $h))))

  (func $init (export "init")
    (i32.store offset=256 (i32.const 0) (i32.const 0x6a09e667))
    (i32.store offset=260 (i32.const 0) (i32.const 0xbb67ae85))
    (i32.store offset=264 (i32.const 0) (i32.const 0x3c6ef372))
    (i32.store offset=268 (i32.const 0) (i32.const 0xa54ff53a))
    (i32.store offset=272 (i32.const 0) (i32.const 0x510e527f))
    (i32.store offset=276 (i32.const 0) (i32.const 0x9b05688c))
    (i32.store offset=280 (i32.const 0) (i32.const 0x1f83d9ab))
    (i32.store offset=284 (i32.const 0) (i32.const 0x5be0cd19))
    (i32.store offset=608 (i32.const 0) (i32.const 0))
    (i64.store offset=616 (i32.const 0) (i64.const 0)))

  ;; Hashes $len bytes at $ptr.
  (func $update (export "update") (param $ptr i32) (param $len i32)
    (local $used i32) (local $n i32)
    (i64.store offset=616 (i32.const 0)
      (i64.add (i64.load offset=616 (i32.const 0)) (i64.extend_i32_u (local.get $len))))
    (local.set $used (i32.load offset=608 (i32.const 0)))
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $n (i32.sub (i32.const 64) (local.get $used)))
        (if (i32.lt_u (local.get $len) (local.get $n)) (then (local.set $n (local.get $len))))
        (memory.copy (i32.add (i32.const 288) (local.get $used)) (local.get $ptr) (local.get $n))
        (local.set $used (i32.add (local.get $used) (local.get $n)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
        (local.set $len (i32.sub (local.get $len) (local.get $n)))
        (if (i32.eq (local.get $used) (i32.const 64))
          (then (call $compress) (local.set $used (i32.const 0))))
        (br $more)))
    (i32.store offset=608 (i32.const 0) (local.get $used)))

  ;; Pads, compresses and writes the 32-byte digest to $out.
  (func $final (export "final") (param $out i32)
    (local $used i32) (local $i i32) (local $bits i64)
    (local.set $used (i32.load offset=608 (i32.const 0)))
    (i32.store8 offset=288 (local.get $used) (i32.const 0x80))
    (local.set $used (i32.add (local.get $used) (i32.const 1)))
    (if (i32.gt_u (local.get $used) (i32.const 56))
      (then
        (memory.fill (i32.add (i32.const 288) (local.get $used)) (i32.const 0) (i32.sub (i32.const 64) (local.get $used)))
        (call $compress)
        (local.set $used (i32.const 0))))
    (memory.fill (i32.add (i32.const 288) (local.get $used)) (i32.const 0) (i32.sub (i32.const 56) (local.get $used)))
    ;; 64-bit big-endian bit length at block[56..63]
    (local.set $bits (i64.shl (i64.load offset=616 (i32.const 0)) (i64.const 3)))
    (i32.store offset=344 (i32.const 0) (call $bswap32 (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32)))))
    (i32.store offset=348 (i32.const 0) (call $bswap32 (i32.wrap_i64 (local.get $bits))))
    (call $compress)
    (local.set $i (i32.const 0))
    (loop $write
      (i32.store (i32.add (local.get $out) (local.get $i)) (call $bswap32 (i32.load offset=256 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $write (i32.lt_u (local.get $i) (i32.const 32)))))

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
          (else (call $update (local.get $c) (i32.const 32))))
        (if (i32.rem_u (local.get $i) (i32.const 3))
          (then (call $update (local.get $s) (local.get $slen))))
        (if (i32.rem_u (local.get $i) (i32.const 7))
          (then (call $update (local.get $p) (local.get $plen))))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (call $update (local.get $c) (i32.const 32)))
          (else (call $update (local.get $p) (local.get $plen))))
        (call $final (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round))))
)
