"""Real-weight checks, skipped unless OIR_MODEL_DIR points at downloaded models (run with -m real_weights).

OIR_MODEL_DIR: a folder in diffusers layout (Stable Diffusion v1.x), optionally with metric_clip/,
grounding_dino/ and sam/ subfolders; otherwise OIR_CLIP, OIR_GROUNDING_DINO, OIR_SAM name local dirs / ids.
"""

import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.real_weights,
              pytest.mark.skipif(not os.environ.get("OIR_MODEL_DIR"), reason="OIR_MODEL_DIR not set")]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def real_editor():
    from oir_agent import OIREditor

    return OIREditor.from_pretrained(os.environ["OIR_MODEL_DIR"], clip_model=os.environ.get("OIR_CLIP"))


def test_grounded_sam_segments_the_shipped_example(real_editor):
    from oir_agent.models import load_grounding

    real_editor._grounding = load_grounding(os.environ["OIR_MODEL_DIR"], device=real_editor.device,
                                            dino_id=os.environ.get("OIR_GROUNDING_DINO", "IDEA-Research/grounding-dino-tiny"),
                                            sam_id=os.environ.get("OIR_SAM", "facebook/sam-vit-base"))
    results, work = real_editor.find_objects(EXAMPLES / "dumplings.png", ["chopsticks"], provider="grounded-sam")
    truth = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(EXAMPLES / "masks" / "chopsticks.png")) > 0
    got = results[0].mask
    iou = (got & truth).sum() / max(1, (got | truth).sum())
    assert iou > 0.3


def test_real_edit_runs(real_editor):
    from oir_agent import OIRConfig

    r = real_editor.edit(EXAMPLES / "dumplings.png",
                         source_prompt="a bowl of dumplings on the left and chopsticks on the right",
                         instruction="replace the dumplings with fried rice",
                         masks=[EXAMPLES / "masks" / "dumplings.png"], config=OIRConfig(num_inference_steps=20))
    assert r.image.size == (192, 128) and 1 <= r.pairs[0].optimal_step <= 20
