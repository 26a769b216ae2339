"""Draw the shipped example picture and its two masks (deterministic; outputs are committed)."""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
W, H = 192, 128


def draw() -> tuple[Image.Image, Image.Image, Image.Image]:
    img = Image.new("RGB", (W, H), (196, 160, 120))  # a wooden table
    d = ImageDraw.Draw(img)
    for y in range(0, H, 9):
        d.line([(0, y), (W, y + 3)], fill=(184, 148, 108), width=2)
    dumplings = Image.new("L", (W, H), 0)
    dm = ImageDraw.Draw(dumplings)
    d.ellipse([14, 36, 106, 112], fill=(240, 240, 235), outline=(90, 90, 120), width=3)  # a bowl
    for cx, cy in [(42, 62), (66, 58), (54, 80), (78, 82), (36, 86)]:
        box = [cx - 13, cy - 9, cx + 13, cy + 9]
        d.ellipse(box, fill=(236, 222, 190), outline=(170, 150, 110))
        d.arc([cx - 9, cy - 6, cx + 9, cy + 2], 200, 340, fill=(180, 160, 120))
        dm.ellipse(box, fill=255)
    chopsticks = Image.new("L", (W, H), 0)
    cm = ImageDraw.Draw(chopsticks)
    for off in (0, 12):
        line = [(126 + off, 108), (170 + off, 18)]
        d.line(line, fill=(120, 70, 30), width=5)
        cm.line(line, fill=255, width=5)
    return img, dumplings, chopsticks


if __name__ == "__main__":
    img, dumplings, chopsticks = draw()
    img.save(HERE / "dumplings.png")
    dumplings.save(HERE / "masks" / "dumplings.png")
    chopsticks.save(HERE / "masks" / "chopsticks.png")
    print("wrote", HERE / "dumplings.png")
