"""motivekit: support intrinsic motivation in your app.

Self-chosen goals (autonomy), skill progression (mastery) and contribution impact with
collective missions (purpose), recorded in an append-only journal. Start with :meth:`Kit.open`::

    from motivekit import Event, Kit

    kit = Kit.open()  # ./motivekit.db
    goal = kit.goals.create("ada", "Review pull requests",
                            {"event": "review.submitted", "count": 3, "per": "week"})
    kit.record(Event("ev-1", "review.submitted", actor="ada"))
"""

from __future__ import annotations

from motivekit._consent import Consent, ConsentBook, Mechanic
from motivekit._errors import (
    AuditError,
    BadSignature,
    ConfigError,
    ConsentRequired,
    InconsistentCheckpoints,
    InvalidCheckin,
    InvalidConsent,
    InvalidEvent,
    InvalidEvidence,
    InvalidGoal,
    InvalidInput,
    InvalidKey,
    InvalidProof,
    InvalidTrack,
    InvalidTransition,
    MissingEntry,
    MotivekitError,
    NotFound,
    NotPermitted,
    ReorderedEntries,
    RulesVersionError,
    SchemaOutOfDate,
    StoreError,
    StoreUnavailable,
    TamperedEntry,
    UnknownFeedEntry,
    UnknownGoal,
    UnknownKey,
    UnknownMission,
    UnknownTemplate,
    UnknownTrack,
)
from motivekit._journal import Journal
from motivekit._kit import Kit
from motivekit._model import (
    Event,
    GoalChange,
    ImpactChange,
    JournalEntry,
    MissionChange,
    Outcome,
    SkillChange,
)
from motivekit._nudges import Nudges
from motivekit._replay import PersonDiff, ReplayReport
from motivekit.audit import (
    Audit,
    Checkpoint,
    Ed25519Signer,
    Erasure,
    GuardedSigner,
    NoteVerifier,
    Privacy,
    PrivacyExport,
    ProofBundle,
    SignedCheckpoint,
    Signer,
    VerifyReport,
    verify_bundle,
)
from motivekit.goals import (
    Goal,
    GoalStatus,
    GoalTemplate,
    Measure,
    Per,
    Plan,
    Progress,
    Visibility,
)
from motivekit.goals._explain import Explanation
from motivekit.goals._fold import Step
from motivekit.goals._rebuild import GoalDiff
from motivekit.goals._service import Goals
from motivekit.impact._service import Impact
from motivekit.impact._views import (
    Digest,
    ExplainedItem,
    FeedEntry,
    FeedPage,
    ImpactExplanation,
    ImpactPreferences,
    MissionProgress,
)
from motivekit.mastery._explain import SkillExplanation
from motivekit.mastery._fold import SkillStep
from motivekit.mastery._rebuild import SkillDiff
from motivekit.mastery._service import Mastery
from motivekit.mastery._view import Skill
from motivekit.rules import Problem, Rules, RulesError, Track, load_rules

__version__ = "0.1.0.dev0"

__all__ = [
    "Audit",
    "AuditError",
    "BadSignature",
    "Checkpoint",
    "ConfigError",
    "Consent",
    "ConsentBook",
    "ConsentRequired",
    "Digest",
    "Ed25519Signer",
    "Erasure",
    "Event",
    "ExplainedItem",
    "Explanation",
    "FeedEntry",
    "FeedPage",
    "Goal",
    "GoalChange",
    "GoalDiff",
    "GoalStatus",
    "GoalTemplate",
    "Goals",
    "GuardedSigner",
    "Impact",
    "ImpactChange",
    "ImpactExplanation",
    "ImpactPreferences",
    "InconsistentCheckpoints",
    "InvalidCheckin",
    "InvalidConsent",
    "InvalidEvent",
    "InvalidEvidence",
    "InvalidGoal",
    "InvalidInput",
    "InvalidKey",
    "InvalidProof",
    "InvalidTrack",
    "InvalidTransition",
    "Journal",
    "JournalEntry",
    "Kit",
    "Mastery",
    "Measure",
    "Mechanic",
    "MissingEntry",
    "MissionChange",
    "MissionProgress",
    "MotivekitError",
    "NotFound",
    "NotPermitted",
    "NoteVerifier",
    "Nudges",
    "Outcome",
    "Per",
    "PersonDiff",
    "Plan",
    "Privacy",
    "PrivacyExport",
    "Problem",
    "Progress",
    "ProofBundle",
    "ReorderedEntries",
    "ReplayReport",
    "Rules",
    "RulesError",
    "RulesVersionError",
    "SchemaOutOfDate",
    "SignedCheckpoint",
    "Signer",
    "Skill",
    "SkillChange",
    "SkillDiff",
    "SkillExplanation",
    "SkillStep",
    "Step",
    "StoreError",
    "StoreUnavailable",
    "TamperedEntry",
    "Track",
    "UnknownFeedEntry",
    "UnknownGoal",
    "UnknownKey",
    "UnknownMission",
    "UnknownTemplate",
    "UnknownTrack",
    "VerifyReport",
    "Visibility",
    "__version__",
    "load_rules",
    "verify_bundle",
]
