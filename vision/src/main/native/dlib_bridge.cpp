// JNI bridge to dlib: HOG frontal face detection and the 68-point shape predictor.
// Built by vision/src/main/native/build.sh against Debian's libdlib-dev (dlib linked statically).
#include <jni.h>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/serialize.h>

#include "landmark_model.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

// One per Java detector (a HOG scanner is not thread-safe); the landmark model is shared read-only. `reference` is
// dlib's own shape predictor on the same file, loaded only when tests compare the two.
struct Detector {
    dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
    std::shared_ptr<const LandmarkModel> landmarks;
    std::string landmarks_path;
    std::unique_ptr<dlib::shape_predictor> reference;
    dlib::array2d<unsigned char> gray;
};

std::mutex landmark_models_lock;
std::map<std::string, std::weak_ptr<const LandmarkModel>> landmark_models;

std::shared_ptr<const LandmarkModel> landmark_model(const std::string& path) {
    std::lock_guard<std::mutex> guard(landmark_models_lock);
    auto found = landmark_models.find(path);
    if (found != landmark_models.end()) {
        if (auto shared = found->second.lock()) return shared;
    }
    auto model = std::make_shared<const LandmarkModel>(path);
    if (model->num_parts() != 68) {
        throw std::runtime_error("expected a 68-point landmark model, found " + std::to_string(model->num_parts()) +
                                 " points in " + path);
    }
    landmark_models[path] = model;
    return model;
}

void throw_java(JNIEnv* env, const char* java_class, const std::string& message) {
    jclass cls = env->FindClass(java_class);
    if (cls != nullptr) env->ThrowNew(cls, message.c_str());
}

constexpr int kValuesPerFace = 5 + 68 * 2;

// The region [x0, x1) x [y0, y1) of a frame as gray, read from the pinned Java array (not copied): an RGB frame
// (3 channels) turned to gray, a gray one (1 channel) copied. False when the array cannot be pinned (out of memory,
// already thrown).
bool region_to_gray(JNIEnv* env, jbyteArray pixels, jint width, jint channels, long x0, long y0, long x1, long y1,
                    dlib::array2d<unsigned char>& gray) {
    gray.set_size(y1 - y0, x1 - x0);
    auto* frame = static_cast<const unsigned char*>(env->GetPrimitiveArrayCritical(pixels, nullptr));
    if (frame == nullptr) return false;
    for (long y = y0; y < y1; ++y) {
        const unsigned char* p = frame + (static_cast<size_t>(y) * width + x0) * channels;
        if (channels == 1) {
            std::copy(p, p + (x1 - x0), &gray[y - y0][0]);
            continue;
        }
        for (long x = x0; x < x1; ++x, p += 3) {
            gray[y - y0][x - x0] = static_cast<unsigned char>((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
        }
    }
    env->ReleasePrimitiveArrayCritical(pixels, const_cast<unsigned char*>(frame), JNI_ABORT);
    return true;
}

// The detector of a handle, after checking that it is open and that the frame (1 or 3 channels) has its size; null
// (a Java exception thrown) otherwise.
Detector* checked(JNIEnv* env, jlong handle, jbyteArray pixels, jint width, jint height, jint channels) {
    auto* detector = reinterpret_cast<Detector*>(handle);
    if (detector == nullptr) {
        throw_java(env, "java/lang/IllegalStateException", "the face detector is closed");
        return nullptr;
    }
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) ||
        env->GetArrayLength(pixels) != static_cast<jsize>(width) * height * channels) {
        throw_java(env, "java/lang/IllegalArgumentException", "pixel buffer does not match the frame size");
        return nullptr;
    }
    return detector;
}

// Faces in the region [x0, x1) x [y0, y1) of the frame: only the region is turned to gray (read from the pinned
// Java array, not copied), scanned by HOG after scaling it down by `shrink` (>= 1) or up `upsample` times, and the
// landmarks are fitted on the region at full resolution. Returns, per face with a detection score >= min_score:
// score, left, top, width, height, then the 68 landmarks as x, y pairs; all in pixels of the whole frame.
jfloatArray detect_region(JNIEnv* env, jlong handle, jbyteArray pixels, jint width, jint height, jint channels,
                          long x0, long y0, long x1, long y1, double shrink, int upsample, double min_score) {
    Detector* detector = checked(env, handle, pixels, width, height, channels);
    if (detector == nullptr) return nullptr;
    x0 = std::max<long>(0, x0);
    y0 = std::max<long>(0, y0);
    x1 = std::min<long>(width, x1);
    y1 = std::min<long>(height, y1);
    if (x1 - x0 < 16 || y1 - y0 < 16 || !(shrink >= 1.0)) {
        return env->NewFloatArray(0);
    }
    try {
        if (!region_to_gray(env, pixels, width, channels, x0, y0, x1, y1, detector->gray)) return nullptr;
        auto& gray = detector->gray;

        std::vector<dlib::rect_detection> found;
        double sx = 1.0, sy = 1.0;  // scanned image -> region
        if (upsample > 0) {
            dlib::array2d<unsigned char> larger;
            dlib::assign_image(larger, gray);
            for (int i = 0; i < upsample; ++i) {
                dlib::pyramid_up(larger);  // doubles the size
            }
            sx = sy = 1.0 / (1 << upsample);
            detector->hog(larger, found, 0.0);
        } else if (shrink > 1.0) {
            dlib::array2d<unsigned char> small(static_cast<long>((y1 - y0) / shrink),
                                               static_cast<long>((x1 - x0) / shrink));
            dlib::resize_image(gray, small);
            sx = static_cast<double>(x1 - x0) / small.nc();
            sy = static_cast<double>(y1 - y0) / small.nr();
            detector->hog(small, found, 0.0);
        } else {
            detector->hog(gray, found, 0.0);
        }

        std::vector<float> out;
        for (const auto& d : found) {
            if (d.detection_confidence < min_score) continue;
            dlib::rectangle box(static_cast<long>(d.rect.left() * sx), static_cast<long>(d.rect.top() * sy),
                                static_cast<long>(d.rect.right() * sx), static_cast<long>(d.rect.bottom() * sy));
            dlib::full_object_detection shape = (*detector->landmarks)(gray, box);
            out.push_back(static_cast<float>(d.detection_confidence));
            out.push_back(box.left() + x0);
            out.push_back(box.top() + y0);
            out.push_back(box.width());
            out.push_back(box.height());
            for (unsigned long i = 0; i < shape.num_parts(); ++i) {
                out.push_back(shape.part(i).x() + x0);
                out.push_back(shape.part(i).y() + y0);
            }
        }
        jfloatArray result = env->NewFloatArray(static_cast<jsize>(out.size()));
        if (result != nullptr && !out.empty()) {
            env->SetFloatArrayRegion(result, 0, static_cast<jsize>(out.size()), out.data());
        }
        return result;
    } catch (const std::exception& e) {
        throw_java(env, "java/lang/IllegalStateException", std::string("dlib face detection failed: ") + e.what());
        return nullptr;
    }
}

// The 68 landmarks fitted on a box of the frame (no detection): only the box and a quarter of its size around it
// are turned to gray. Returns the 68 points as x, y pairs in pixels of the whole frame. With `with_dlib`, fitted by
// dlib's own shape predictor instead of the compact one (LandmarkModel), for tests that compare them.
jfloatArray fit_box(JNIEnv* env, jlong handle, jbyteArray pixels, jint width, jint height, jint channels, long left,
                    long top, long box_width, long box_height, bool with_dlib) {
    Detector* detector = checked(env, handle, pixels, width, height, channels);
    if (detector == nullptr) return nullptr;
    if (box_width < 8 || box_height < 8) {
        throw_java(env, "java/lang/IllegalArgumentException", "a box to fit landmarks on must be at least 8x8 pixels");
        return nullptr;
    }
    long x0 = std::max<long>(0, left - box_width / 4);
    long y0 = std::max<long>(0, top - box_height / 4);
    long x1 = std::min<long>(width, left + box_width + box_width / 4);
    long y1 = std::min<long>(height, top + box_height + box_height / 4);
    if (x1 - x0 < 8 || y1 - y0 < 8) {
        throw_java(env, "java/lang/IllegalArgumentException", "the box lies outside the frame");
        return nullptr;
    }
    try {
        if (!region_to_gray(env, pixels, width, channels, x0, y0, x1, y1, detector->gray)) return nullptr;
        auto& gray = detector->gray;
        dlib::rectangle box(left - x0, top - y0, left - x0 + box_width - 1, top - y0 + box_height - 1);
        if (with_dlib && !detector->reference) {
            detector->reference.reset(new dlib::shape_predictor());
            dlib::deserialize(detector->landmarks_path) >> *detector->reference;
        }
        dlib::full_object_detection shape = with_dlib ? (*detector->reference)(gray, box) : (*detector->landmarks)(gray, box);
        std::vector<float> out;
        for (unsigned long i = 0; i < shape.num_parts(); ++i) {
            out.push_back(shape.part(i).x() + x0);
            out.push_back(shape.part(i).y() + y0);
        }
        jfloatArray result = env->NewFloatArray(static_cast<jsize>(out.size()));
        if (result != nullptr) {
            env->SetFloatArrayRegion(result, 0, static_cast<jsize>(out.size()), out.data());
        }
        return result;
    } catch (const std::exception& e) {
        throw_java(env, "java/lang/IllegalStateException", std::string("dlib landmark fitting failed: ") + e.what());
        return nullptr;
    }
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_io_emotionstream_face_DlibFaceDetector_create(JNIEnv* env, jclass, jstring landmark_path) {
    const char* chars = env->GetStringUTFChars(landmark_path, nullptr);
    std::string path(chars);
    env->ReleaseStringUTFChars(landmark_path, chars);
    try {
        auto detector = std::make_unique<Detector>();
        detector->landmarks = landmark_model(path);
        detector->landmarks_path = path;
        return reinterpret_cast<jlong>(detector.release());
    } catch (const std::exception& e) {
        throw_java(env, "java/lang/IllegalStateException",
                   "cannot load the dlib landmark model " + path + ": " + e.what());
        return 0;
    }
}

// Faces in the whole frame, the frame first doubled `upsample` times (see detect_region).
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_detect(
        JNIEnv* env, jclass, jlong handle, jbyteArray pixels, jint width, jint height, jint channels, jint upsample,
        jdouble min_score) {
    return detect_region(env, handle, pixels, width, height, channels, 0, 0, width, height, 1.0, upsample, min_score);
}

// Faces in a region of the frame only (a face's previous box with a margin, or the whole frame), scaled down by
// `shrink` so that a face is about the size HOG finds best and fastest (see detect_region).
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_detectIn(
        JNIEnv* env, jclass, jlong handle, jbyteArray pixels, jint width, jint height, jint channels, jint left,
        jint top, jint region_width, jint region_height, jdouble shrink, jdouble min_score) {
    return detect_region(env, handle, pixels, width, height, channels, left, top, static_cast<long>(left) + region_width,
                         static_cast<long>(top) + region_height, shrink, 0, min_score);
}

// The landmarks fitted on a box (a face's box predicted from the previous frame), without detection (see fit_box).
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_fitIn(
        JNIEnv* env, jclass, jlong handle, jbyteArray pixels, jint width, jint height, jint channels, jint left,
        jint top, jint box_width, jint box_height) {
    return fit_box(env, handle, pixels, width, height, channels, left, top, box_width, box_height, false);
}

// The same fitted by dlib's own shape predictor (loaded on first use), for tests.
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_fitWithDlib(
        JNIEnv* env, jclass, jlong handle, jbyteArray pixels, jint width, jint height, jint channels, jint left,
        jint top, jint box_width, jint box_height) {
    return fit_box(env, handle, pixels, width, height, channels, left, top, box_width, box_height, true);
}

JNIEXPORT jint JNICALL Java_io_emotionstream_face_DlibFaceDetector_valuesPerFace(JNIEnv*, jclass) {
    return kValuesPerFace;
}

JNIEXPORT void JNICALL Java_io_emotionstream_face_DlibFaceDetector_destroy(JNIEnv*, jclass, jlong handle) {
    delete reinterpret_cast<Detector*>(handle);
}

}  // extern "C"
