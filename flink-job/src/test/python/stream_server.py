"""A camera stream for the tests: the JPEG files of a folder, looped at 25 fps, as RTSP (GStreamer's RTSP server:
RTP/JPEG) or as an HTTP MJPEG stream (multipart/x-mixed-replace), until killed.

    /usr/bin/python3 stream_server.py rtsp PORT FOLDER     ->  rtsp://127.0.0.1:PORT/camera
    /usr/bin/python3 stream_server.py http PORT FOLDER     ->  http://127.0.0.1:PORT/camera.mjpg
"""
import os
import sys
import time


def jpeg_size(path):
    """The width and height in a baseline JPEG's frame header (SOF0)."""
    data = open(path, "rb").read()
    at = 2
    while at < len(data):
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        if marker == 0xC0:
            return int.from_bytes(data[at + 7:at + 9], "big"), int.from_bytes(data[at + 5:at + 7], "big")
        at += 2 + length
    raise ValueError("no baseline JPEG frame header in " + path)


def serve_rtsp(port, folder):
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    width, height = jpeg_size(os.path.join(folder, "00000.jpg"))
    factory.set_launch('( multifilesrc location="%s/%%05d.jpg" index=0 loop=true '
                       'caps="image/jpeg,framerate=25/1,width=%d,height=%d" ! identity sleep-time=40000 '
                       '! rtpjpegpay name=pay0 pt=26 )'
                       % (folder, width, height))
    factory.set_shared(True)
    server.get_mount_points().add_factory("/camera", factory)
    server.attach(None)
    print("serving rtsp://127.0.0.1:%d/camera" % port, flush=True)
    GLib.MainLoop().run()


def serve_http(port, folder):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    frames = [open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))]

    class Camera(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace;boundary=frame")
            self.end_headers()
            start = time.monotonic()
            index = 0
            try:
                while True:
                    frame = frames[index % len(frames)]
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(frame))
                    self.wfile.write(frame + b"\r\n")
                    index += 1
                    time.sleep(max(0.0, start + index / 25.0 - time.monotonic()))
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Camera)
    print("serving http://127.0.0.1:%d/camera.mjpg" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    kind, port, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    serve_rtsp(port, folder) if kind == "rtsp" else serve_http(port, folder)
