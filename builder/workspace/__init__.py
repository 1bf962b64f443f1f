"""The workspace: projects, revisions, conversation libraries, export history and settings.

Qt-free and built so that no crash, full disk or second app instance loses saved work; see
`workspace.py` for the layout on disk. Typical use::

    ws = Workspace.open(path)              # WorkspaceLocked / WorkspaceCorrupt
    project = ws.project("Support")        # or ws.create_project(name, document)
    revision = project.save(document)      # description defaults to a summary of the changes
    ws.close()
"""

from __future__ import annotations

from builder.format.diff import RulesetDiff, diff_rulesets
from builder.workspace.errors import (
    LibraryCorrupt,
    LockOwner,
    ProjectCorrupt,
    ProjectExists,
    ProjectNotFound,
    RevisionNotFound,
    WorkspaceCorrupt,
    WorkspaceError,
    WorkspaceLocked,
    WorkspaceNotWritable,
    WorkspaceReadOnly,
    WorkspaceVersionError,
    WorkspaceWriteError,
)
from builder.workspace.opening import CorruptionNotice
from builder.workspace.project import Project, ProjectInfo
from builder.workspace.recovery import RecoveryEntry
from builder.workspace.repair.damage import ProjectDamage, RestoreOption
from builder.workspace.revisions import ExportRecord, Revision, canonical_json, content_hash
from builder.workspace.settings import Settings
from builder.workspace.workspace import Workspace, default_path

__all__ = [
    "CorruptionNotice", "ExportRecord", "LibraryCorrupt", "LockOwner", "Project", "ProjectCorrupt", "ProjectExists",
    "ProjectDamage", "ProjectInfo", "ProjectNotFound", "RecoveryEntry", "RestoreOption", "Revision",
    "RevisionNotFound",
    "RulesetDiff", "Settings", "Workspace", "WorkspaceCorrupt", "WorkspaceError",
    "WorkspaceLocked", "WorkspaceNotWritable", "WorkspaceReadOnly", "WorkspaceVersionError", "WorkspaceWriteError",
    "canonical_json", "content_hash", "default_path", "diff_rulesets",
]
