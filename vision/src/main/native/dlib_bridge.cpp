// JNI bridge to dlib: HOG frontal face detection and the 68-point shape predictor.
// Built by vision/src/main/native/build.sh against Debian's libdlib-dev (dlib linked statically).
#include <jni.h>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/serialize.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

// One per Java detector (a HOG scanner is not thread-safe); the landmark model is shared read-only.
struct Detector {
    dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
    std::shared_ptr<const dlib::shape_predictor> landmarks;
    dlib::array2d<unsigned char> gray;
};

std::mutex landmark_models_lock;
std::map<std::string, std::weak_ptr<const dlib::shape_predictor>> landmark_models;

std::shared_ptr<const dlib::shape_predictor> landmark_model(const std::string& path) {
    std::lock_guard<std::mutex> guard(landmark_models_lock);
    auto found = landmark_models.find(path);
    if (found != landmark_models.end()) {
        if (auto shared = found->second.lock()) return shared;
    }
    auto model = std::make_shared<dlib::shape_predictor>();
    dlib::deserialize(path) >> *model;
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

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_io_emotionstream_face_DlibFaceDetector_create(JNIEnv* env, jclass, jstring landmark_path) {
    const char* chars = env->GetStringUTFChars(landmark_path, nullptr);
    std::string path(chars);
    env->ReleaseStringUTFChars(landmark_path, chars);
    try {
        auto detector = std::make_unique<Detector>();
        detector->landmarks = landmark_model(path);
        return reinterpret_cast<jlong>(detector.release());
    } catch (const std::exception& e) {
        throw_java(env, "java/lang/IllegalStateException",
                   "cannot load the dlib landmark model " + path + ": " + e.what());
        return 0;
    }
}

// Returns, per face with a detection score >= min_score, best first: score, left, top, width, height, then the
// 68 landmarks as x, y pairs; all in pixels of the given frame.
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_detect(
        JNIEnv* env, jclass, jlong handle, jbyteArray rgb, jint width, jint height, jint upsample, jdouble min_score) {
    auto* detector = reinterpret_cast<Detector*>(handle);
    if (detector == nullptr) {
        throw_java(env, "java/lang/IllegalStateException", "the face detector is closed");
        return nullptr;
    }
    if (width <= 0 || height <= 0 || env->GetArrayLength(rgb) != static_cast<jsize>(width) * height * 3) {
        throw_java(env, "java/lang/IllegalArgumentException", "RGB buffer does not match the frame size");
        return nullptr;
    }
    try {
        auto& gray = detector->gray;
        gray.set_size(height, width);
        jbyte* pixels = env->GetByteArrayElements(rgb, nullptr);
        const auto* p = reinterpret_cast<const unsigned char*>(pixels);
        for (long y = 0; y < height; ++y) {
            for (long x = 0; x < width; ++x, p += 3) {
                gray[y][x] = static_cast<unsigned char>((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
            }
        }
        env->ReleaseByteArrayElements(rgb, pixels, JNI_ABORT);

        std::vector<dlib::rect_detection> found;
        double scale = 1.0;
        if (upsample > 0) {
            dlib::array2d<unsigned char> larger;
            dlib::assign_image(larger, gray);
            for (int i = 0; i < upsample; ++i) {
                dlib::pyramid_up(larger);  // doubles the size
                scale *= 2.0;
            }
            detector->hog(larger, found, 0.0);
        } else {
            detector->hog(gray, found, 0.0);
        }

        std::vector<float> out;
        for (const auto& d : found) {
            if (d.detection_confidence < min_score) continue;
            dlib::rectangle box(static_cast<long>(d.rect.left() / scale), static_cast<long>(d.rect.top() / scale),
                                static_cast<long>(d.rect.right() / scale), static_cast<long>(d.rect.bottom() / scale));
            dlib::full_object_detection shape = (*detector->landmarks)(gray, box);
            out.push_back(static_cast<float>(d.detection_confidence));
            out.push_back(box.left());
            out.push_back(box.top());
            out.push_back(box.width());
            out.push_back(box.height());
            for (unsigned long i = 0; i < shape.num_parts(); ++i) {
                out.push_back(shape.part(i).x());
                out.push_back(shape.part(i).y());
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

// Detection in a region of the frame only (a face's previous box with a margin), scaled down by `shrink` (>= 1) so
// that the face is about the size HOG finds best; landmarks are fitted on the region at full resolution. Same output
// as detect, in pixels of the whole frame. Converts only the region to gray, so it costs a fraction of a full frame.
JNIEXPORT jfloatArray JNICALL Java_io_emotionstream_face_DlibFaceDetector_detectIn(
        JNIEnv* env, jclass, jlong handle, jbyteArray rgb, jint width, jint height, jint left, jint top,
        jint region_width, jint region_height, jdouble shrink, jdouble min_score) {
    auto* detector = reinterpret_cast<Detector*>(handle);
    if (detector == nullptr) {
        throw_java(env, "java/lang/IllegalStateException", "the face detector is closed");
        return nullptr;
    }
    if (width <= 0 || height <= 0 || env->GetArrayLength(rgb) != static_cast<jsize>(width) * height * 3) {
        throw_java(env, "java/lang/IllegalArgumentException", "RGB buffer does not match the frame size");
        return nullptr;
    }
    long x0 = std::max<long>(0, left), y0 = std::max<long>(0, top);
    long x1 = std::min<long>(width, static_cast<long>(left) + region_width);
    long y1 = std::min<long>(height, static_cast<long>(top) + region_height);
    if (x1 - x0 < 16 || y1 - y0 < 16 || !(shrink >= 1.0)) {
        return env->NewFloatArray(0);
    }
    try {
        auto& gray = detector->gray;
        gray.set_size(y1 - y0, x1 - x0);
        jbyte* pixels = env->GetByteArrayElements(rgb, nullptr);
        const auto* frame = reinterpret_cast<const unsigned char*>(pixels);
        for (long y = y0; y < y1; ++y) {
            const unsigned char* p = frame + (static_cast<size_t>(y) * width + x0) * 3;
            for (long x = x0; x < x1; ++x, p += 3) {
                gray[y - y0][x - x0] = static_cast<unsigned char>((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
            }
        }
        env->ReleaseByteArrayElements(rgb, pixels, JNI_ABORT);

        std::vector<dlib::rect_detection> found;
        if (shrink > 1.0) {
            dlib::array2d<unsigned char> small(static_cast<long>((y1 - y0) / shrink),
                                               static_cast<long>((x1 - x0) / shrink));
            dlib::resize_image(gray, small);
            detector->hog(small, found, 0.0);
        } else {
            detector->hog(gray, found, 0.0);
        }
        double sx = shrink > 1.0 ? static_cast<double>(x1 - x0) / static_cast<long>((x1 - x0) / shrink) : 1.0;
        double sy = shrink > 1.0 ? static_cast<double>(y1 - y0) / static_cast<long>((y1 - y0) / shrink) : 1.0;
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

JNIEXPORT jint JNICALL Java_io_emotionstream_face_DlibFaceDetector_valuesPerFace(JNIEnv*, jclass) {
    return kValuesPerFace;
}

JNIEXPORT void JNICALL Java_io_emotionstream_face_DlibFaceDetector_destroy(JNIEnv*, jclass, jlong handle) {
    delete reinterpret_cast<Detector*>(handle);
}

}  // extern "C"
