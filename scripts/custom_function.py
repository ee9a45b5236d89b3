"""A torch.autograd.Function from two plain functions, for the gradcheck fixture scripts (their JS twin
is test/custom-function.ts)."""
import torch


def custom(forward, backward):
    """A torch.autograd.Function from a forward(x) and a backward(x, grad_output)."""
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return forward(x)

        @staticmethod
        def backward(ctx, g):
            return backward(ctx.saved_tensors[0], g)
    return F.apply
