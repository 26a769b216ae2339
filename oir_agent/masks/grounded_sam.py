"""Grounded-SAM through transformers: GroundingDINO boxes from the phrase, then SAM masks from the boxes.

The paper's mask generator (Sec. 3.1, A.5). Phrases go to GroundingDINO lowercase and ending with ".";
plural phrases ("two cats", "chopsticks") take the union of every instance above the thresholds, singular
phrases the best box. Boxes are de-duplicated with plain-torch NMS (no torchvision).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image

from .base import MaskRequest, MaskResult

NMS_IOU = 0.7
_PLURAL_WORDS = {"two", "three", "four", "five", "several", "many", "some", "both", "pair", "group", "pile", "row"}
_NOT_PLURAL = ("ss", "us", "is", "glass", "grass", "dress")


@dataclass
class GroundingModels:
    dino: Any  # GroundingDinoForObjectDetection
    dino_processor: Any
    sam: Any  # SamModel
    sam_processor: Any
    name: str = "grounded-sam"


@dataclass
class Detection:
    boxes: torch.Tensor  # (n, 4) x0, y0, x1, y1 in image pixels
    scores: torch.Tensor  # (n,)
    best_score: float  # best score seen at all, even below the threshold (for error messages)


def detector_text(phrase: str) -> str:
    """GroundingDINO wants lowercase phrases ending with '.'."""
    text = " ".join(phrase.lower().split()).rstrip(".")
    return text + "."


def is_plural(phrase: str) -> bool:
    words = phrase.lower().split()
    if not words:
        return False
    if any(w in _PLURAL_WORDS for w in words):
        return True
    head = words[-1]
    return head.endswith("s") and not head.endswith(_NOT_PLURAL) or head in ("chopsticks", "people", "children")


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """(n, 4) x (m, 4) -> (n, m) IoU of x0y0x1y1 boxes."""
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    lt = torch.maximum(a[:, None, :2], b[None, :, :2])
    rb = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return torch.where(union > 0, inter / union, torch.zeros_like(inter))


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou: float = NMS_IOU) -> torch.Tensor:
    """Indices kept by greedy non-maximum suppression, best score first."""
    order = scores.argsort(descending=True)
    keep: list[int] = []
    while order.numel():
        i = int(order[0])
        keep.append(i)
        if order.numel() == 1:
            break
        overlaps = box_iou(boxes[i:i + 1], boxes[order[1:]])[0]
        order = order[1:][overlaps <= iou]
    return torch.tensor(keep, dtype=torch.long)


class GroundedSAM:
    """MaskProvider: phrase -> GroundingDINO boxes -> SAM masks."""

    name = "grounded-sam"

    def __init__(self, models: GroundingModels):
        self.m = models

    @torch.no_grad()
    def detect(self, image: Image.Image, phrase: str, box_threshold: float, text_threshold: float) -> Detection:
        proc, dino = self.m.dino_processor, self.m.dino
        inputs = proc(images=image, text=detector_text(phrase), return_tensors="pt").to(dino.device)
        inputs["pixel_values"] = inputs["pixel_values"].to(dino.dtype)
        outputs = dino(**inputs)
        best = float(outputs.logits.sigmoid().max()) if outputs.logits.numel() else 0.0
        result = proc.post_process_grounded_object_detection(
            outputs, inputs["input_ids"], threshold=box_threshold, text_threshold=text_threshold,
            target_sizes=[(image.height, image.width)])[0]
        boxes, scores = result["boxes"].float().cpu(), result["scores"].float().cpu()
        if boxes.numel():
            boxes[:, 0::2] = boxes[:, 0::2].clamp(0, image.width)
            boxes[:, 1::2] = boxes[:, 1::2].clamp(0, image.height)
            valid = (boxes[:, 2] - boxes[:, 0] >= 1) & (boxes[:, 3] - boxes[:, 1] >= 1)
            boxes, scores = boxes[valid], scores[valid]
        if boxes.numel():
            keep = nms(boxes, scores)
            boxes, scores = boxes[keep], scores[keep]
        return Detection(boxes=boxes, scores=scores, best_score=best)

    @torch.no_grad()
    def segment(self, image: Image.Image, boxes: torch.Tensor) -> np.ndarray:
        """(H, W) bool: the union of SAM's masks for the boxes."""
        proc, sam = self.m.sam_processor, self.m.sam
        inputs = proc(images=image, input_boxes=[boxes.tolist()], return_tensors="pt").to(sam.device)
        inputs["pixel_values"] = inputs["pixel_values"].to(sam.dtype)
        outputs = sam(**inputs, multimask_output=False)
        masks = proc.post_process_masks(outputs.pred_masks.float().cpu(), inputs["original_sizes"].cpu(),
                                        inputs["reshaped_input_sizes"].cpu())[0]  # (n, 1, H, W) bool
        return masks.any(dim=0)[0].numpy().astype(bool)

    def masks(self, image: Image.Image, request: MaskRequest) -> list[MaskResult]:
        """One mask per phrase; a phrase that is not found gets an empty mask, its best score and a note."""
        out = []
        for k, phrase in enumerate(request.phrases):
            if request.runtime is not None:
                request.runtime.check_cancel()
            found, best = self.mask(image, phrase, request.box_threshold, request.text_threshold)
            out.append(found or MaskResult(mask=np.zeros((image.height, image.width), bool), provider=self.name,
                                           score=best, notes=[f"{phrase!r} not found (best detection score "
                                                              f"{best:.2f}, threshold {request.box_threshold})"]))
            if request.runtime is not None:
                request.runtime.report("masks", k + 1, len(request.phrases), f"mask for {phrase!r}")
        return out

    def mask(self, image: Image.Image, phrase: str, box_threshold: float = 0.3,
             text_threshold: float = 0.25) -> tuple[MaskResult | None, float]:
        """The phrase's mask, or (None, best score seen) when nothing passes the thresholds."""
        det = self.detect(image, phrase, box_threshold, text_threshold)
        if det.boxes.shape[0] == 0:
            return None, det.best_score
        plural = is_plural(phrase)
        boxes, scores = (det.boxes, det.scores) if plural else (det.boxes[:1], det.scores[:1])
        mask = self.segment(image, boxes)
        notes = []
        if not mask.any():  # SAM found nothing inside the box: the box itself is the honest fallback
            mask = np.zeros((image.height, image.width), bool)
            for x0, y0, x1, y1 in boxes.round().int().tolist():
                mask[y0:y1, x0:x1] = True
            notes.append(f"SAM returned an empty mask for {phrase!r}; used its detection box instead.")
        box = tuple(int(v) for v in torch.cat([boxes[:, :2].min(0).values, boxes[:, 2:].max(0).values]).round())
        if plural and boxes.shape[0] > 1:
            notes.append(f"{phrase!r} looks plural: union of {boxes.shape[0]} detections.")
        return MaskResult(mask=mask, provider=self.name, score=float(scores.max()), box=box, notes=notes), det.best_score
