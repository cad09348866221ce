package io.automlseg.executor.data;

import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;

/** One training example: the image as the model takes it and its ground truth in the same pixel frame. */
public record TrainingSample(InputImage image, TrainingTarget target) {}
