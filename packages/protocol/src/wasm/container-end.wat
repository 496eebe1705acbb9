;; Finds where a JSON object or array ends, 64 bytes at a time with WebAssembly SIMD: the bracket matching of
;; scan-json.ts's walk, for the large values (a conversation, a tool list) where that walk costs most of a request's
;; CPU. Compiled by scripts/build-wasm.mjs into src/_container-end-module.ts; a test checks the two agree.
;;
;; The caller either scans a body that already sits in the module's memory (the scan area, see below) in one call,
;; or copies the value into the window a window at a time (every window but the last a multiple of 64 bytes long)
;; and calls `scan` once per window; the state between calls lives in globals.
;; Per 64-byte block (the technique of simdjson's stage 1, Langdale and Lemire, "Parsing Gigabytes of JSON per
;; Second", 2019):
;;   - masks of quotes and backslashes, one bit per byte;
;;   - the escaped bytes: those after an odd run of backslashes (runs may cross blocks and windows);
;;   - the bytes inside strings: a prefix XOR of the unescaped quotes, carried from block to block;
;;   - where some byte lies outside strings, a mask of brackets, and those outside strings visited in order, pushed
;;     and popped on a stack of expected closers.
;; Most of a Claude Code body is the inside of long strings (file contents, tool output), and there a block costs
;; its two masks and the escape arithmetic alone (docs/performance.md, item 39).
;; A quote after an odd run of backslashes is escaped outside strings too, here and in the JavaScript walk
;; (`endOfContainerWalk`); no JSON parser accepts a backslash there, so the upstream refuses such a body.
(module
  ;; 0: the stack of expected closers (1 KiB). 1024: the window (64 KiB). 66560: 64 bytes of slack read past a short
  ;; last block. 66624: the scan area, as long as the largest body copied there (the memory grows for it), followed
  ;; by 64 bytes of slack of its own.
  (memory (export "memory") 2)
  (global $depth (mut i32) (i32.const 0))
  (global $maxDepth (mut i32) (i32.const 0))
  ;; All ones when the previous block ended inside a string.
  (global $inString (mut i64) (i64.const 0))
  ;; 1 when the first byte of the next block is escaped by a backslash run that ended the previous block.
  (global $escapeCarry (mut i64) (i64.const 0))

  ;; Starts a value. `maxDepth`: as `depth + 1 >= maxDepth` refuses a level in the JavaScript walk.
  (func (export "begin") (param $maxDepth i32)
    (global.set $depth (i32.const 0))
    (global.set $maxDepth (local.get $maxDepth))
    (global.set $inString (i64.const 0))
    (global.set $escapeCarry (i64.const 0)))

  ;; Scans the bytes at [from, to), the next part of the value. Returns the address just past the bracket that closes
  ;; the value, -1 when it is still open (call again with its next part), -2 when its brackets do not match or it
  ;; nests too deep.
  (func (export "scan") (param $p i32) (param $to i32) (result i32)
    ;; One vector at a time, each turned into its bit masks at once: few vectors live, none spilled (the brackets
    ;; load their vectors again, from the cache, when a block needs them).
    (local $vector v128) (local $cased v128)
    (local $quoteByte v128) (local $backslashByte v128) (local $caseBit v128)
    (local $openByte v128) (local $closeByte v128)
    (local $quotes i64) (local $backslashes i64) (local $brackets i64) (local $carry i64) (local $inString i64)
    (local $follows i64) (local $oddStarts i64) (local $sum i64) (local $escaped i64) (local $outside i64)
    (local $pos i32) (local $byte i32) (local $depth i32) (local $maxDepth i32)
    (local.set $depth (global.get $depth))
    (local.set $maxDepth (global.get $maxDepth))
    (local.set $carry (global.get $escapeCarry))
    (local.set $inString (global.get $inString))
    (local.set $quoteByte (i8x16.splat (i32.const 0x22)))
    (local.set $backslashByte (i8x16.splat (i32.const 0x5c)))
    ;; `{` and `[` differ only in bit 5, as do `}` and `]`: setting it leaves one byte to compare for each kind.
    (local.set $caseBit (i8x16.splat (i32.const 0x20)))
    (local.set $openByte (i8x16.splat (i32.const 0x7b)))
    (local.set $closeByte (i8x16.splat (i32.const 0x7d)))
    (block $partDone
      (loop $blocks
        (br_if $partDone (i32.ge_u (local.get $p) (local.get $to)))
        ;; Quotes and backslashes first: the brackets are needed only where a byte lies outside strings.
        (local.set $vector (v128.load offset=0 (local.get $p)))
        (local.set $quotes (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $quoteByte)))))
        (local.set $backslashes (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $backslashByte)))))
        (local.set $vector (v128.load offset=16 (local.get $p)))
        (local.set $quotes (i64.or (local.get $quotes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $quoteByte)))) (i64.const 16))))
        (local.set $backslashes (i64.or (local.get $backslashes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $backslashByte)))) (i64.const 16))))
        (local.set $vector (v128.load offset=32 (local.get $p)))
        (local.set $quotes (i64.or (local.get $quotes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $quoteByte)))) (i64.const 32))))
        (local.set $backslashes (i64.or (local.get $backslashes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $backslashByte)))) (i64.const 32))))
        (local.set $vector (v128.load offset=48 (local.get $p)))
        (local.set $quotes (i64.or (local.get $quotes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $quoteByte)))) (i64.const 48))))
        (local.set $backslashes (i64.or (local.get $backslashes) (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $vector) (local.get $backslashByte)))) (i64.const 48))))
        (if (i64.eqz (i64.or (local.get $backslashes) (local.get $carry)))
          (then (local.set $escaped (i64.const 0)))
          (else
            ;; simdjson's branchless find_escaped: runs of backslashes starting on an odd bit are shifted onto
            ;; even bits by an add, whose carry out is the escape that spills into the next block.
            (local.set $backslashes (i64.and (local.get $backslashes) (i64.xor (local.get $carry) (i64.const -1))))
            (local.set $follows (i64.or (i64.shl (local.get $backslashes) (i64.const 1)) (local.get $carry)))
            (local.set $oddStarts
              (i64.and
                (i64.and (local.get $backslashes) (i64.const 0xAAAAAAAAAAAAAAAA))
                (i64.xor (local.get $follows) (i64.const -1))))
            (local.set $sum (i64.add (local.get $oddStarts) (local.get $backslashes)))
            (local.set $carry (i64.extend_i32_u (i64.lt_u (local.get $sum) (local.get $oddStarts))))
            (local.set $escaped
              (i64.and
                (i64.xor (i64.const 0x5555555555555555) (i64.shl (local.get $sum) (i64.const 1)))
                (local.get $follows)))))
        ;; Inside-string mask: each unescaped quote flips it (a prefix XOR), starting from the carried state. Most
        ;; blocks of a conversation have no unescaped quote (they lie within one long string, whose quotes are
        ;; escaped): the state carries over as it is, without the XOR's chain of twelve dependent steps.
        (local.set $quotes (i64.and (local.get $quotes) (i64.xor (local.get $escaped) (i64.const -1))))
        (if (i64.eqz (local.get $quotes))
          (then (local.set $quotes (local.get $inString)))
          (else
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 1))))
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 2))))
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 4))))
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 8))))
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 16))))
            (local.set $quotes (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 32))))
            (local.set $quotes (i64.xor (local.get $quotes) (local.get $inString)))))
        (local.set $inString (i64.shr_s (local.get $quotes) (i64.const 63)))
        ;; A block wholly inside a string has no bracket to visit: its bracket masks are not even made.
        (if (i64.ne (local.get $quotes) (i64.const -1))
          (then
            (local.set $brackets (i64.extend_i32_u (i8x16.bitmask (v128.or
                  (i8x16.eq (local.tee $cased (v128.or (v128.load offset=0 (local.get $p)) (local.get $caseBit))) (local.get $openByte))
                  (i8x16.eq (local.get $cased) (local.get $closeByte))))))
            (local.set $brackets (i64.or (local.get $brackets) (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or
                  (i8x16.eq (local.tee $cased (v128.or (v128.load offset=16 (local.get $p)) (local.get $caseBit))) (local.get $openByte))
                  (i8x16.eq (local.get $cased) (local.get $closeByte))))) (i64.const 16))))
            (local.set $brackets (i64.or (local.get $brackets) (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or
                  (i8x16.eq (local.tee $cased (v128.or (v128.load offset=32 (local.get $p)) (local.get $caseBit))) (local.get $openByte))
                  (i8x16.eq (local.get $cased) (local.get $closeByte))))) (i64.const 32))))
            (local.set $brackets (i64.or (local.get $brackets) (i64.shl (i64.extend_i32_u (i8x16.bitmask (v128.or
                  (i8x16.eq (local.tee $cased (v128.or (v128.load offset=48 (local.get $p)) (local.get $caseBit))) (local.get $openByte))
                  (i8x16.eq (local.get $cased) (local.get $closeByte))))) (i64.const 48))))
            (local.set $outside (i64.and (local.get $brackets) (i64.xor (local.get $quotes) (i64.const -1))))
            ;; A short last block: the bytes past `to` are left over from an earlier scan.
            (if (i32.lt_u (i32.sub (local.get $to) (local.get $p)) (i32.const 64))
              (then
                (local.set $outside
                  (i64.and
                    (local.get $outside)
                    (i64.sub
                      (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $to) (local.get $p))))
                      (i64.const 1))))))
            (block $bracketsDone
              (loop $visit
                (br_if $bracketsDone (i64.eqz (local.get $outside)))
                (local.set $pos (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $outside)))))
                (local.set $byte (i32.load8_u (local.get $pos)))
                ;; Bit 1 is set in `{` and `[`, clear in `}` and `]`; each closer is its opener + 2.
                (if (i32.and (local.get $byte) (i32.const 2))
                  (then
                    (if (i32.ge_u (i32.add (local.get $depth) (i32.const 1)) (local.get $maxDepth))
                      (then (return (i32.const -2))))
                    (i32.store8 (local.get $depth) (i32.add (local.get $byte) (i32.const 2)))
                    (local.set $depth (i32.add (local.get $depth) (i32.const 1))))
                  (else
                    (if (i32.eqz (local.get $depth)) (then (return (i32.const -2))))
                    (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                    (if (i32.ne (i32.load8_u (local.get $depth)) (local.get $byte))
                      (then (return (i32.const -2))))
                    (if (i32.eqz (local.get $depth))
                      (then (return (i32.add (local.get $pos) (i32.const 1)))))))
                (local.set $outside (i64.and (local.get $outside) (i64.sub (local.get $outside) (i64.const 1))))
                (br $visit)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $blocks)))
    (global.set $depth (local.get $depth))
    (global.set $escapeCarry (local.get $carry))
    (global.set $inString (local.get $inString))
    (i32.const -1)))
