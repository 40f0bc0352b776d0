"""Writes bench/matmul-1024.onnx: one 1024x1024 by 1024x1024 float32 matrix product, which the model benchmark runs
with ONNX Runtime to measure this machine's peak FLOP rate (2 * 1024^3 floating-point operations a run).

  cd models && /usr/bin/python3 -m emotion_models.flops_probe
"""
import os

import onnx
from onnx import TensorProto, helper

N = 1024


def main():
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [N, N])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [N, N])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT, [N, N])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul", [a, b], [c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="emotion-stream")
    onnx.checker.check_model(model)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "matmul-%d.onnx" % N)
    onnx.save(model, path)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
