"""Baseline for the dataset-import benchmark: the usual Python way to load an image-folder dataset.

Walks <dir> (sorted), opens each image with Pillow, converts to grayscale, resizes to 48x48 when needed,
and stacks everything into one NumPy uint8 array. Prints one JSON line with the loop's wall and CPU
time (interpreter start-up and imports excluded, as the Node side measures in-process too).
Run with Debian's interpreter (python3-pil, python3-numpy): /usr/bin/python3 bench/pillow_load.py DIR
"""
import json
import os
import sys
import time

import numpy as np
from PIL import Image

SIZE = 48


def load(root):
    images = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            with Image.open(os.path.join(dirpath, name)) as im:
                im = im.convert("L")
                if im.size != (SIZE, SIZE):
                    im = im.resize((SIZE, SIZE))
                images.append(np.asarray(im, dtype=np.uint8))
    return np.stack(images)


def main():
    root = sys.argv[1]
    started = time.perf_counter()
    cpu_started = time.process_time()
    data = load(root)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "shape": list(data.shape), "mean": float(data.mean())}))


if __name__ == "__main__":
    main()
