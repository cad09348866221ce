package io.automlseg.executor.trial;

import io.automlseg.executor.trial.Hyperparameter.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every hyperparameter of the reference product's instance-segmentation task (§4 of the reference spec), plus this
 * project's own, with type, range, default, whether this version acts on it, and one line of documentation. The
 * single source of these facts: the driver validates configurations against it, a trial takes its defaults from it,
 * and docs/hyperparameters.md is generated from it.
 */
public final class HyperparameterTable {

    public static final List<String> MODEL_NAMES = List.of("maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn",
            "maskrcnn_resnet50_fpn", "maskrcnn_resnet101_fpn", "maskrcnn_resnet152_fpn");

    /** The keys {@code advanced_settings} may hold (all booleans), each handed to the trial as a parameter. */
    public static final List<String> ADVANCED_KEYS = List.of("apply_automl_train_augmentations", "stream_image_files");

    private static final List<Row> DRAFTS = new ArrayList<>();
    private static final Map<String, Hyperparameter> ROWS = new LinkedHashMap<>();
    /** Names the reference knows but that do not apply here, with the reason. */
    private static final Map<String, String> REJECTED = new LinkedHashMap<>();

    static {
        // Model-agnostic settings, in the reference's table order.
        choice("model_name", MODEL_NAMES, "maskrcnn_resnet50_fpn").doc("the Mask R-CNN variant (its ResNet backbone)");
        positiveInt("number_of_epochs", 15).doc("epochs of training");
        positiveInt("training_batch_size", 2).doc("images per training step");
        positiveInt("validation_batch_size", 1).doc("images per validation step");
        unit("learning_rate", 0.005)
                .doc("the base learning rate (reached at the end of the warm-up of `warmup_cosine`)");
        choice("learning_rate_scheduler", List.of("warmup_cosine", "step"), "warmup_cosine")
                .doc("how the learning rate changes over the epochs");
        unit("warmup_cosine_lr_cycles", 0.45).doc("cosine cycles of `warmup_cosine` after the warm-up");
        positiveInt("warmup_cosine_lr_warmup_epochs", 2).doc("epochs of linear warm-up of `warmup_cosine`");
        unit("step_lr_gamma", 0.5).doc("what `step` multiplies the learning rate by at each step");
        positiveInt("step_lr_step_size", 5).doc("epochs between the steps of `step`");
        choice("optimizer", List.of("sgd", "adam", "adamw"), "sgd").doc("the optimizer");
        unit("momentum", 0.9).doc("momentum (sgd)");
        unit("weight_decay", 1e-4).doc("weight decay (decoupled from the gradient for adamw)");
        bool("nesterov", true).doc("Nesterov momentum (sgd)");
        unit("beta1", 0.9).doc("decay of the first-moment estimate (adam, adamw)");
        unit("beta2", 0.999).doc("decay of the second-moment estimate (adam, adamw)");
        bool("ams_gradient", false).doc("the AMSGrad variant (adam, adamw)");
        positiveInt("gradient_accumulation_step", 1).doc("batches whose gradients add up to one optimizer step");
        bool("early_stopping", true).doc("stop a trial when its validation score stops improving");
        nonNegativeInt("early_stopping_patience", 5).doc("evaluations without improvement before a trial stops");
        nonNegativeInt("early_stopping_delay", 5).doc("evaluations before early stopping may stop a trial");
        positiveInt("evaluation_frequency", 1).doc("epochs between validations (the last epoch is always validated)");
        // Unset: a checkpoint after every epoch (the reference keeps only the best epoch's), so a lost trial resumes.
        positiveInt("checkpoint_frequency", null).rule("every epoch").doc("epochs between checkpoints");
        text("checkpoint_run_id").doc("incremental training from an earlier run beside this one: `<run_id>` (that run's"
                + " best model) or `<run_id>/<trial_id>`");
        text("checkpoint_model").doc("incremental training from a saved model folder (a trial's `model/`, a run's"
                + " `best_model/`) or a weight file");
        add(new Row("layers_to_freeze", Type.INT, 0.0, false, 5.0, List.of(), null)).withStartingWeights(2)
                .rule("0 from scratch, 2 with pretrained or other starting weights")
                .doc("the first N of conv1 (with bn1), layer1 … layer4 of the backbone get no updates");
        nonNegativeInt("number_of_workers", 4).doc("threads that decode and augment the next training batches while"
                + " a step trains (0: on the training thread); the batches are the same whatever the number");
        bool("distributed", true).notActedOn().doc("the reference's multi-GPU training of one trial");
        add(new Row("random_seed", Type.INT, 0.0, false, null, List.of(), 47)).doc("seeds the trial (a CPU trial with"
                + " the same seed, data and thread count repeats exactly), the sampler and the validation split");
        bool("enable_onnx_normalization", false).notActedOn().doc("the reference's normalisation in ONNX exports");
        choice("log_training_metrics", List.of("Enable", "Disable"), "Disable")
                .doc("with each evaluation also score the training images (without augmentation) with the same"
                        + " metric, logged with the suffix `_train` (`mean_average_precision_train`, ...)");
        choice("log_validation_loss", List.of("Enable", "Disable"), "Enable")
                .doc("with each evaluation (also with `validation_metric_type: none`) also compute the validation"
                        + " loss: the five training losses on the validation images, in the metric's own forward"
                        + " passes, as `validation_loss` and `validation_losses` of the epoch report");
        text("advanced_settings").doc("a JSON object in a string with the booleans "
                + ADVANCED_KEYS.stream().map(k -> "`" + k + "`").collect(Collectors.joining(" and "))
                + ", handed to the trial as parameters of their own;"
                + " `stream_image_files` is accepted but not acted on");
        // Detection / segmentation settings.
        positiveInt("min_size", 600).doc("images are resized so that their shorter side has this many pixels, unless"
                + " the longer side would then exceed `max_size`");
        positiveInt("max_size", 1333).doc("the most pixels the longer side of a resized image may have");
        unit("box_score_threshold", 0.3).doc("detections scoring below this are dropped");
        unit("nms_iou_threshold", 0.5).doc("overlap (IoU) above which non-maximum suppression drops the weaker box");
        positiveInt("box_detections_per_image", 100).doc("the most detections kept per image");
        choice("validation_metric_type", List.of("none", "coco", "voc", "coco_voc"), "voc")
                .doc("how a trial is scored on the validation data (`none`: not validated)");
        add(new Row("validation_iou_threshold", Type.FLOAT, 0.1, false, 1.0, List.of(), 0.5))
                .doc("the overlap (IoU) at which the VOC metric counts a detection as correct");
        // Inference-only settings of Mask R-CNN: recorded in the trial's saved model (settings.json), used at prediction.
        unit("mask_pixel_score_threshold", 0.5).doc("at prediction a pixel is the object's above this probability;"
                + " recorded in the saved model's `settings.json`, overridden by `predict --mask-pixel-score-threshold`");
        positiveInt("max_number_of_polygon_points", 100).doc("at prediction each polygon is simplified to at most"
                + " this many points; recorded in `settings.json`, overridden by `predict --max-number-of-polygon-points`");
        bool("export_as_image", false).doc("at prediction also write each detection's mask as an image file under"
                + " `masks/` beside the output; recorded in `settings.json`, overridden by `predict --export-as-image`");
        choice("image_type", List.of("jpg", "png", "bmp"), "jpg")
                .doc("the image format of `export_as_image`; recorded in `settings.json`, overridden by"
                        + " `predict --image-type`");
        bool("ignore_data_errors", true).doc("skip bad rows, objects and polygon parts, missing and undecodable "
                + "images, and validation objects of labels training never has, counting and reporting them, instead"
                + " of failing (as the reference does by default); `false` fails on them, all listed at once");
        // Ours, beyond the reference product's names.
        bool("apply_automl_train_augmentations", true).ours().doc("the reference's training augmentations: random"
                + " crop around the objects or expansion onto a mean-coloured canvas (each with probability 1/4), then"
                + " a horizontal flip (1/2); false turns all three off (also accepted inside `advanced_settings`)");
        choice("norm", List.of("group", "batch", "frozen_batch"), null).ours().withStartingWeights("frozen_batch")
                .rule("`frozen_batch` with pretrained weights or `weights_path`, `group` from scratch, the source"
                        + " model's with a checkpoint")
                .doc("the ResNet backbone's normalisation (the FPN and the heads have none, as in torchvision):"
                        + " `group` trains from scratch with 1–2 images per step; `batch` and `frozen_batch` suit"
                        + " pretrained weights");
        text("checkpoint_path").ours().doc("alias of `checkpoint_model`");
        text("weights_path").ours().doc("a weight file with torchvision names (`.pth`, `.npz`) for the whole model"
                + " or its ResNet backbone, to start from");
        add(new Row("pretrained_weights", Type.STRING, null, false, null, List.of(), "auto")).ours()
                .doc("`auto`, `coco`, `imagenet`, `none` or a weight file's URI: what trials start from when no other"
                        + " starting point is given; the driver fetches the files before any trial; not searchable");
        add(new Row("gradient_clip_value", Type.FLOAT, 0.0, false, null, List.of(), 5.0)).ours()
                .doc("gradients are clipped to ± this value, as the reference runtime does");
        add(new Row("gradient_clip_norm", Type.FLOAT, 0.0, false, null, List.of(), 10.0)).ours()
                .doc("all gradients are scaled down together when their global L2 norm exceeds this; it keeps"
                        + " from-scratch training with 1–2 images per step from diverging (0 turns it off)");
        bool("log_every_iteration", false).ours().doc("log each iteration's five losses in the trial's log");
        // torchvision's RoI and proposal budgets under their torchvision names: the main levers of CPU training speed.
        positiveInt("box_batch_size_per_image", 512).ours()
                .doc("RoIs sampled per image for the box and mask heads (torchvision's name)");
        positiveInt("rpn_pre_nms_top_n_train", 2000).ours().doc("proposals kept before NMS, in training");
        positiveInt("rpn_post_nms_top_n_train", 2000).ours().doc("proposals kept after NMS, in training");
        positiveInt("rpn_pre_nms_top_n_test", 1000).ours()
                .doc("proposals kept before NMS, in validation and prediction");
        positiveInt("rpn_post_nms_top_n_test", 1000).ours()
                .doc("proposals kept after NMS, in validation and prediction");

        for (String n : List.of("tile_grid_size", "tile_overlap_ratio", "tile_predictions_nms_threshold")) {
            REJECTED.put(n, "small-object tiling is not supported for instance segmentation");
        }
        for (String n : List.of("image_size", "model_size", "multi_scale")) {
            REJECTED.put(n, "applies to yolov5 only, not to Mask R-CNN");
        }
        REJECTED.put("split_ratio", "v1 name; use validation_data_size at the top level of the job");
        REJECTED.put("grad_accumulation_step", "v1 name; use gradient_accumulation_step");
        REJECTED.put("lr_scheduler", "v1 name; use learning_rate_scheduler");
        REJECTED.put("amsgrad", "v1 name; use ams_gradient");
        REJECTED.put("checkpoint_dataset_id", "v1 name; use checkpoint_model");
        REJECTED.put("checkpoint_filename", "v1 name; use checkpoint_model");

        for (Row r : DRAFTS) {
            ROWS.put(r.name, r.build());
        }
        DRAFTS.clear();
    }

    private HyperparameterTable() {}

    /** Every hyperparameter, in the reference's table order (ours last). */
    public static List<Hyperparameter> all() {
        return List.copyOf(ROWS.values());
    }

    public static Optional<Hyperparameter> find(String name) {
        return Optional.ofNullable(ROWS.get(name));
    }

    /** The hyperparameter called {@code name}; a name missing from the table is a programming error. */
    public static Hyperparameter get(String name) {
        Hyperparameter h = ROWS.get(name);
        if (h == null) {
            throw new IllegalArgumentException("not a hyperparameter: " + name);
        }
        return h;
    }

    /** The defaults of every hyperparameter that has one, in table order. */
    public static Map<String, Object> defaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Hyperparameter h : ROWS.values()) {
            if (h.defaultValue() != null) {
                out.put(h.name(), h.defaultValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Names the reference knows that are refused here, each with the reason, in the order the docs list them. */
    public static Map<String, String> rejected() {
        return Collections.unmodifiableMap(REJECTED);
    }

    private static Row add(Row row) {
        DRAFTS.add(row);
        return row;
    }

    private static Row positiveInt(String name, Integer def) {
        return add(new Row(name, Type.INT, 0.0, true, null, List.of(), def));
    }

    private static Row nonNegativeInt(String name, Integer def) {
        return add(new Row(name, Type.INT, 0.0, false, null, List.of(), def));
    }

    private static Row unit(String name, double def) {
        return add(new Row(name, Type.FLOAT, 0.0, false, 1.0, List.of(), def));
    }

    private static Row bool(String name, boolean def) {
        return add(new Row(name, Type.BOOL, null, false, null, List.of(), def));
    }

    private static Row choice(String name, List<String> values, String def) {
        return add(new Row(name, Type.ENUM, null, false, null, values, def));
    }

    private static Row text(String name) {
        return add(new Row(name, Type.STRING, null, false, null, List.of(), null));
    }

    /** A row being written: the static block above reads as the table it builds. */
    private static final class Row {
        final String name;
        final Type type;
        final Double min;
        final boolean minExclusive;
        final Double max;
        final List<String> values;
        final Object defaultValue;
        Object withStartingWeights;
        String rule;
        boolean actedOn = true;
        boolean ours;
        String doc;

        Row(String name, Type type, Double min, boolean minExclusive, Double max, List<String> values, Object def) {
            this.name = name;
            this.type = type;
            this.min = min;
            this.minExclusive = minExclusive;
            this.max = max;
            this.values = values;
            this.defaultValue = def;
        }

        Row notActedOn() {
            actedOn = false;
            return this;
        }

        Row ours() {
            ours = true;
            return this;
        }

        Row withStartingWeights(Object value) {
            withStartingWeights = value;
            return this;
        }

        Row rule(String text) {
            rule = text;
            return this;
        }

        Row doc(String text) {
            doc = text;
            return this;
        }

        Hyperparameter build() {
            if (doc == null) {
                throw new IllegalStateException("hyperparameter " + name + " has no documentation line");
            }
            return new Hyperparameter(name, type, min, minExclusive, max, values, defaultValue, withStartingWeights,
                    rule, actedOn, ours, doc);
        }
    }
}
