"""Public test vectors for auditing motivekit's audit-log hashing and signing.

Every value below was copied byte-for-byte from public source files (as stored
in a code-search corpus); nothing was computed. Each constant names its source
repository (owner/name), file path, commit the copy was read at, and the
variable / test function it comes from.

Sources:

* transparency-dev/merkle -- RFC 6962 / RFC 9162 Merkle tree hashing:
  ``testonly/constants.go`` (LeafInputs, NodeHashes, RootHashes, EmptyRootHash),
  ``proof/verify_test.go`` (inclusionProofs, consistencyProofs, roots, leaves),
  ``rfc6962/rfc6962_test.go`` (TestRFC6962Hasher).
  Hashing: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right).
* golang/mod -- ``sumdb/note/note_test.go`` (signed-note / Ed25519 vectors) and
  ``sumdb/tlog/note_test.go`` (tree-head text format).
* transparency-dev/formats -- ``log/checkpoint_test.go`` (checkpoint bodies).
* C2SP/C2SP -- ``tlog-checkpoint.md`` (example signed checkpoint).
"""

# ---------------------------------------------------------------------------
# 1. RFC 6962 Merkle tree vectors (transparency-dev/merkle)
# ---------------------------------------------------------------------------

# Source: transparency-dev/merkle, testonly/constants.go, func LeafInputs()
# (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1). Identical to the `leaves`
# var in transparency-dev/merkle, proof/verify_test.go
# (commit 02194e9afb6c1d95b5381350007963aa70fff472).
# Raw leaf data (hex); the first leaf is the empty byte string.
RFC6962_LEAVES_HEX: list[str] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]

# Source: transparency-dev/merkle, testonly/constants.go, func RootHashes()
# (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1). RootHashes() is indexed by
# tree size starting from the empty tree; sizes 1..8 are recorded here, keyed by
# tree size. The same eight values appear, in the same order (index = size - 1),
# in the `roots` var of transparency-dev/merkle, proof/verify_test.go
# (commit 02194e9afb6c1d95b5381350007963aa70fff472).
RFC6962_ROOTS_HEX: dict[int, str] = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

# Source: transparency-dev/merkle, testonly/constants.go, func EmptyRootHash()
# (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1); also `sha256EmptyTreeHash`
# in proof/verify_test.go and the "RFC6962 Empty" case of TestRFC6962Hasher in
# rfc6962/rfc6962_test.go. Root of the empty tree = SHA-256 of the empty string.
RFC6962_EMPTY_ROOT_HEX: str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# Source: transparency-dev/merkle, testonly/constants.go, func NodeHashes()
# (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1). Hashes of all complete
# subtrees of the 8-leaf tree. Outer index = tree level (0 = leaf hashes),
# inner index = horizontal position within that level.
RFC6962_NODE_HASHES_HEX: list[list[str]] = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    [
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ],
]

# Source: transparency-dev/merkle, proof/verify_test.go, var `inclusionProofs`
# ([]inclusionProofTestVector{leaf, size, proof}),
# commit 02194e9afb6c1d95b5381350007963aa70fff472.
# Entries are (leaf, tree size, audit path as hex hashes), in source order.
# CONVENTION: `leaf` is 1-BASED. TestVerifyInclusion hashes leaves[p.leaf-1] and
# calls verifierCheck(hasher, p.leaf-1, p.size, ...), i.e. the 0-based index is
# leaf - 1. The first entry (0, 0, nil) is marked "i = 0 is an invalid path" in
# the source and is skipped by the test loop (`for i := 1; i < 6; i++`).
# A Go `nil` proof is recorded as an empty list.
INCLUSION_PROOFS: list[tuple[int, int, list[str]]] = [
    (0, 0, []),
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        3,
        3,
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ],
    ),
    (
        2,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# Source: transparency-dev/merkle, proof/verify_test.go, var `consistencyProofs`
# ([]consistencyTestVector{size1, size2, proof}),
# commit 02194e9afb6c1d95b5381350007963aa70fff472.
# Entries are (size1, size2, proof as hex hashes), in source order. Sizes are
# tree sizes (leaf counts); TestVerifyConsistency checks each against
# roots[size1-1] and roots[size2-1]. A Go `nil` proof is recorded as [].
CONSISTENCY_PROOFS: list[tuple[int, int, list[str]]] = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

# Source: transparency-dev/merkle, rfc6962/rfc6962_test.go, TestRFC6962Hasher
# (commit 78493b07ef9b552e3379abf9e23d4da26fbe797c).
# Leaf hash of the ASCII bytes "L123456" (case "RFC6962 Leaf").
RFC6962_LEAF_HASH_L123456_HEX: str = (
    "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
)
# Same test, case "RFC6962 Node": HashChildren([]byte("N123"), []byte("N456")),
# i.e. SHA-256(0x01 || "N123" || "N456") over raw ASCII children.
RFC6962_NODE_HASH_N123_N456_HEX: str = (
    "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
)

# ---------------------------------------------------------------------------
# 2. golang.org/x/mod/sumdb/note signed-note vectors (golang/mod)
# ---------------------------------------------------------------------------
# All from golang/mod, sumdb/note/note_test.go
# (commit 02c991387e35f9e4c0a9b7ce137717055f8d716d).
# "\u2014" below is the EM DASH (U+2014) that starts every signature line in the
# source; it is written as an escape only to keep the file ASCII -- the string
# value is identical to the literal character in the Go source.

# TestNewSigner / TestSign: `skey`.
NOTE_PRIVATE_KEY: str = (
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
)

# TestNewVerifier: `vkey` (also `peterKey` in TestVerifierList / TestOpen).
NOTE_VERIFIER_KEY: str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

# TestSign: `text` (same value as `text` in TestOpen).
NOTE_TEXT: str = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)

# TestSign: `want` -- the exact output of Sign(&Note{Text: text}, signer).
# Ed25519 signatures are deterministic, so this is a fixed expected value.
NOTE_SIGNED: str = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
)

# TestOpen: `peterSig` (one signature line, including trailing newline).
NOTE_PETER_SIG_LINE: str = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
)
# TestOpen: `peter` Signature{Name, Hash, Base64}.
NOTE_PETER_SIG_NAME: str = "PeterNeumann"
NOTE_PETER_SIG_KEY_HASH: int = 0xC74F20A3
NOTE_PETER_SIG_BASE64: str = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)

# TestVerifierList / TestOpen: `enochKey` (verifier key of a second signer; the
# corresponding private key is NOT given in the source).
NOTE_ENOCH_VERIFIER_KEY: str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

# TestOpen: `enochSig` (signature line, including trailing newline).
NOTE_ENOCH_SIG_LINE: str = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
    "Lox33WWd1RvMc+QQ=\n"
)
# TestOpen: `enoch` Signature{Name, Hash, Base64}.
NOTE_ENOCH_SIG_NAME: str = "EnochRoot"
NOTE_ENOCH_SIG_KEY_HASH: int = 0xAF0CFE78
NOTE_ENOCH_SIG_BASE64: str = (
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
)

# TestOpen: the doubly-signed message is built in the source by the expression
# `text+"\n"+peterSig+enochSig`; it is reproduced here with the same expression.
# Open() with both verifiers must yield Sigs == [peter, enoch]; with only the
# Peter verifier, Sigs == [peter] and UnverifiedSigs == [enoch].
NOTE_SIGNED_PETER_ENOCH: str = NOTE_TEXT + "\n" + NOTE_PETER_SIG_LINE + NOTE_ENOCH_SIG_LINE

# ---------------------------------------------------------------------------
# 2b. golang.org/x/mod/sumdb/tlog tree-head text (golang/mod)
# ---------------------------------------------------------------------------

# Source: golang/mod, sumdb/tlog/note_test.go, TestFormatTree `golden`
# (commit 774e77886cf18ba9e220baec8497d65b0c50373f): FormatTree(Tree{N, H}) with
# N = 123456789012 and H = RecordHash([]byte("hello world")). The third line is
# therefore the base64 RFC 6962 leaf hash of "hello world".
TLOG_TREE_SIZE: int = 123456789012
TLOG_TREE_TEXT: str = (
    "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"
)
# Same file, TestFormatRecord: FormatRecord(123456789012, "hello, world\n").
TLOG_RECORD_ID: int = 123456789012
TLOG_RECORD_TEXT: str = "hello, world\n"
TLOG_RECORD_FORMATTED: str = "123456789012\nhello, world\n\n"

# ---------------------------------------------------------------------------
# 3. Checkpoint examples
# ---------------------------------------------------------------------------

# Source: C2SP/C2SP, tlog-checkpoint.md, the example in the introduction
# (commit 2793893976c835db049c194d8f2c4f946dcb70ba). Full signed checkpoint as
# shown in the spec's code block (body + blank line + signature line). The
# signing key is not given, so the signature cannot be verified from the spec.
C2SP_CHECKPOINT_ORIGIN: str = "example.com/behind-the-sofa"
C2SP_CHECKPOINT_SIZE: int = 20852163
C2SP_CHECKPOINT_ROOT_B64: str = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
C2SP_CHECKPOINT_SIGNED: str = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Z"
    "hcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)

# Source: transparency-dev/formats, log/checkpoint_test.go, TestMarshal
# (commit 7a6ef700ee5660b2580c9da92063af300820fdee). Entries are
# (Origin, Size, Hash as raw bytes, expected Marshal() output). The hashes are
# arbitrary byte strings, not real Merkle roots.
FORMATS_CHECKPOINTS: list[tuple[str, int, bytes, str]] = [
    ("Log", 123, b"bananas", "Log\n123\nYmFuYW5hcw==\n"),
    (
        "Banana",
        9944,
        b"the view from the tree tops is great!",
        "Banana\n9944\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
    ),
]
