"""glutecoach: squat coaching for glute strengthening.

The analysis core (video -> pose -> kinematics -> reps -> checks -> feedback) lives in this
package's top-level modules and imports nothing from the coaching, store, report, web or CLI
layers, which are thin shells around it.
"""

from glutecoach.analysis import AnalysisOptions, analyze_file, analyze_sequence
from glutecoach.errors import InputError
from glutecoach.result import SCHEMA_ID, AnalysisResult, Fault, FaultCode, Rep
from glutecoach.types import PoseSequence

__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Fault",
    "FaultCode",
    "InputError",
    "PoseSequence",
    "Rep",
    "SCHEMA_ID",
    "analyze_file",
    "analyze_sequence",
]
__version__ = "0.1.0"
