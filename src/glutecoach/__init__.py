"""glutecoach: squat coaching for glute strengthening.

The analysis core (video -> pose -> kinematics -> reps -> checks -> feedback) lives in this
package's top-level modules and imports nothing from the coaching, store, report, web or CLI
layers, which are thin shells around it.
"""

from glutecoach.analysis import AnalysisOptions, analyze_file, analyze_sequence
from glutecoach.errors import InputError
from glutecoach.types import AnalysisResult, Fault, PoseSequence, Rep

__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Fault",
    "InputError",
    "PoseSequence",
    "Rep",
    "analyze_file",
    "analyze_sequence",
]
__version__ = "0.1.0"
