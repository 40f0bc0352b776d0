// JNI bridge to libjpeg-turbo (Debian's libjpeg62-turbo, linked dynamically): JPEG header, RGB and gray decoding.
// Built by vision/src/main/native/build.sh; loaded apart from the dlib bridge, so that a machine without
// libjpeg.so.62 still runs dlib (and decodes with ImageIO).
#include <jni.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <string>
#include <vector>

#include <jpeglib.h>

namespace {

void throw_java(JNIEnv* env, const char* java_class, const std::string& message) {
    jclass cls = env->FindClass(java_class);
    if (cls != nullptr) env->ThrowNew(cls, message.c_str());
}

// libjpeg(-turbo) reports errors through longjmp; its messages go to the Java exception, not stderr.
struct JpegError {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr info) {
    auto* error = reinterpret_cast<JpegError*>(info->err);
    (*info->err->format_message)(info, error->message);
    std::longjmp(error->jump, 1);
}

void jpeg_quiet(j_common_ptr) {}

jpeg_error_mgr* quiet_errors(JpegError* error) {
    jpeg_error_mgr* mgr = jpeg_std_error(&error->mgr);
    mgr->error_exit = jpeg_fail;
    mgr->output_message = jpeg_quiet;
    return mgr;
}

std::vector<unsigned char> copy_of(JNIEnv* env, jbyteArray data) {
    std::vector<unsigned char> bytes(env->GetArrayLength(data));
    env->GetByteArrayRegion(data, 0, static_cast<jsize>(bytes.size()), reinterpret_cast<jbyte*>(bytes.data()));
    return bytes;
}

}  // namespace

extern "C" {

// {width, height, components} from the JPEG header alone; throws IllegalArgumentException when it is no JPEG.
JNIEXPORT jintArray JNICALL Java_io_emotionstream_face_JpegDecoder_readHeader(JNIEnv* env, jclass, jbyteArray data) {
    std::vector<unsigned char> bytes = copy_of(env, data);
    jpeg_decompress_struct info;
    JpegError error;
    info.err = quiet_errors(&error);
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        throw_java(env, "java/lang/IllegalArgumentException", std::string("not a readable JPEG: ") + error.message);
        return nullptr;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    jint header[3] = {static_cast<jint>(info.image_width), static_cast<jint>(info.image_height),
                      info.num_components};
    jpeg_destroy_decompress(&info);
    jintArray result = env->NewIntArray(3);
    env->SetIntArrayRegion(result, 0, 3, header);
    return result;
}

// The JPEG as RGB bytes (row by row, 3 a pixel), or with gray true as 8-bit luma (1 a pixel: a YCbCr JPEG's own Y,
// Rec. 601, without decoding its colour), written into `into`, decoded by libjpeg-turbo; throws
// IllegalArgumentException when it is no JPEG, is corrupt, is not of the expected size (checked from the header,
// before any pixel is decoded) or is not a gray or YCbCr/RGB image.
JNIEXPORT void JNICALL Java_io_emotionstream_face_JpegDecoder_decodePixels(
        JNIEnv* env, jclass, jbyteArray data, jint width, jint height, jbyteArray into, jboolean gray) {
    const int channels = gray ? 1 : 3;
    std::vector<unsigned char> bytes = copy_of(env, data);
    jpeg_decompress_struct info;
    JpegError error;
    info.err = quiet_errors(&error);
    // the decoded pixels, kept per thread between frames (a frame's worth of memory, not allocated per frame)
    static thread_local std::vector<unsigned char> rgb;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        throw_java(env, "java/lang/IllegalArgumentException", std::string("cannot decode the JPEG: ") + error.message);
        return;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    if (static_cast<jint>(info.image_width) != width || static_cast<jint>(info.image_height) != height) {
        std::string message = "image is " + std::to_string(info.image_width) + "x" +
                              std::to_string(info.image_height) + ", not " + std::to_string(width) + "x" +
                              std::to_string(height);
        jpeg_destroy_decompress(&info);
        throw_java(env, "java/lang/IllegalArgumentException", message);
        return;
    }
    if (env->GetArrayLength(into) < static_cast<jsize>(width) * height * channels) {
        jpeg_destroy_decompress(&info);
        throw_java(env, "java/lang/IllegalArgumentException", "the pixel buffer is smaller than the image");
        return;
    }
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&info);
        throw_java(env, "java/lang/IllegalArgumentException", "a CMYK JPEG; send RGB");
        return;
    }
    info.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    // the accurate DCT and smooth chroma upsampling stay: the fast ones save about a tenth of a millisecond a frame
    // but move colour edges by tens of levels
    jpeg_start_decompress(&info);
    size_t stride = static_cast<size_t>(info.output_width) * channels;
    rgb.resize(stride * info.output_height);
    JSAMPROW rows[16];
    while (info.output_scanline < info.output_height) {
        JDIMENSION first = info.output_scanline;
        JDIMENSION count = std::min<JDIMENSION>(16, info.output_height - first);
        for (JDIMENSION i = 0; i < count; ++i) {
            rows[i] = rgb.data() + stride * (first + i);
        }
        jpeg_read_scanlines(&info, rows, count);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    env->SetByteArrayRegion(into, 0, static_cast<jsize>(rgb.size()), reinterpret_cast<jbyte*>(rgb.data()));
}

}  // extern "C"
