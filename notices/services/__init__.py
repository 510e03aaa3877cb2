"""Every write of the notice business, and its audited reads, by concern:

batches     create, extract, confirm, resume, cancel, finish: the batch's state machine (and the sweep)
chunks      a chunk rendered into one print file (claim, render, fail) and the preview
contexts    what is printed on a notice, shared by chunks, preview and re-issue
mynaportal  the お知らせ sent for A-class batches
reads       downloads, preview and one person's pages, each checked against its SHA-256 and audited
reissue     a voucher re-issued and printed at the counter
files       where a batch's files live in private storage

Each function does one step; notices.pipeline decides what is queued after which step.
"""

from .batches import (  # noqa: F401
    BatchSpec,
    BatchStateError,
    Resumed,
    Swept,
    batch_cancel,
    batch_confirm,
    batch_create,
    batch_extract,
    batch_finish,
    batch_resume,
    batch_validate,
    sweep,
)
from .chunks import chunk_claim, chunk_fail, chunk_render, chunks_mark_queued, preview_render  # noqa: F401
from .contexts import PURPOSE, TITLES, common_context, notice_contexts  # noqa: F401
from .files import STORAGE, preview_path  # noqa: F401
from .mynaportal import mynaportal_send  # noqa: F401
from .reads import manifest_read, preview_read, printfile_read, target_pages_read  # noqa: F401
from .reissue import voucher_reissue_print  # noqa: F401
